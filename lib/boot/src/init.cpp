#include <tn/init.hpp>

namespace tn::init {

const char* level_name(int level) {
    static const char* const names[] = {"?", "early", "platform", "driver", "lib", "app"};
    return level >= TN_INIT_EARLY && level <= TN_INIT_APP ? names[level] : names[0];
}

Failure run(const Record* begin, const Record* end) {
    for (const Record* r = begin; r != end; ++r) {
        int e = r->fn();
        if (e != 0)
            return {r, e};
    }
    return {nullptr, 0};
}

}  // namespace tn::init
