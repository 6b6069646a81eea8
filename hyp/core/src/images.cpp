// The guest images and the partition description a hypervisor image carries.
// support/make/hypervisor.mk generates an assembly file that .incbin's each
// guest's .bin and the compiled description and defines the symbols below
// (a Mortise-only image gets an empty image table).
#include "core.hpp"

extern "C" {
extern const mortise::Image mortise_image_table[];
extern const tn::u64 mortise_image_count;
extern const tn::u8 mortise_partitions[];
extern const tn::u64 mortise_partitions_size;
}

namespace mortise {

unsigned image_count() { return static_cast<unsigned>(mortise_image_count); }

const char* image_name(unsigned i) { return i < image_count() ? mortise_image_table[i].name : nullptr; }

const Image* find_image(const char* name) {
    for (unsigned i = 0; i < image_count(); ++i)
        if (__builtin_strcmp(mortise_image_table[i].name, name) == 0)
            return &mortise_image_table[i];
    return nullptr;
}

const void* partitions_blob(u64& size) {
    size = mortise_partitions_size;
    return size ? mortise_partitions : nullptr;
}

}  // namespace mortise
