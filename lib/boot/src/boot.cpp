#include <tn/boot.hpp>
#include <tn/plat.hpp>

extern "C" {
using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];
}

int main();

namespace tn::boot {

void run() {
    for (Constructor* c = __init_array_start; c != __init_array_end; ++c)
        (*c)();
    int status = main();
    plat::power_off(status);
}

}  // namespace tn::boot
