// The guest images and the partition description a hypervisor image carries.
// support/make/hypervisor.mk generates an assembly file that .incbin's each
// guest's .bin and the compiled description and defines the symbols below
// (a Mortise-only image gets an empty image table). A Linux guest adds two entries: its
// Image (ImageKind::Linux) and its initramfs (ImageKind::Initramfs), under the same name.
#include "core.hpp"

extern "C" {
extern const mortise::Image mortise_image_table[];
extern const tn::u64 mortise_image_count;
extern const tn::u8 mortise_partitions[];
extern const tn::u64 mortise_partitions_size;
}

namespace mortise {

unsigned image_count() { return static_cast<unsigned>(mortise_image_count); }

const Image* image(unsigned i) { return i < image_count() ? &mortise_image_table[i] : nullptr; }

const Image* find_image(const char* name, ImageKind kind) {
    for (unsigned i = 0; i < image_count(); ++i)
        if (mortise_image_table[i].kind == kind && __builtin_strcmp(mortise_image_table[i].name, name) == 0)
            return &mortise_image_table[i];
    return nullptr;
}

unsigned kernel_count() {
    unsigned n = 0;
    for (unsigned i = 0; i < image_count(); ++i)
        n += mortise_image_table[i].kind != ImageKind::Initramfs ? 1 : 0;
    return n;
}

const void* partitions_blob(u64& size) {
    size = mortise_partitions_size;
    return size ? mortise_partitions : nullptr;
}

}  // namespace mortise
