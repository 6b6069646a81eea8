// The guest images and the partition description a hypervisor image carries.
// support/make/hypervisor.mk generates an assembly file that .incbin's each
// guest's .bin and the compiled description and defines the symbols below
// (a Mortise-only image gets an empty image table). A Linux guest adds two entries: its
// Image (ImageKind::Linux) and its initramfs (ImageKind::Initramfs), under the same name.
//
// A Mortise hypervisor image may instead be given its guests (and its description) as
// boot modules: files the bootloader loaded, named by /chosen nodes (mortise/modules.hpp,
// docs/mortise.md "Boot modules"). Those follow the embedded entries in image(i).
#include "core.hpp"

extern "C" {
extern const mortise::Image mortise_image_table[];
extern const tn::u64 mortise_image_count;
extern const tn::u8 mortise_partitions[];
extern const tn::u64 mortise_partitions_size;
}

namespace mortise {

namespace {

modules::Table g_modules;
Image g_loaded[modules::k_max_modules];
unsigned g_loaded_count;
const modules::Module* g_parts;  // a usable partitions module
bool g_parts_refused;             // a partitions module was given but refused

// RAM is mapped 1:1 at EL2 and read() asks only for modules inside a RAM bank.
const u8* access(u64 address, u64, void*) { return reinterpret_cast<const u8*>(address); }

unsigned embedded_count() { return static_cast<unsigned>(mortise_image_count); }

ImageKind image_kind(modules::Kind k) {
    switch (k) {
    case modules::Kind::Linux: return ImageKind::Linux;
    case modules::Kind::Initramfs: return ImageKind::Initramfs;
    case modules::Kind::DtOverlay: return ImageKind::DtOverlay;
    default: return ImageKind::Tenon;
    }
}

}  // namespace

unsigned image_count() { return embedded_count() + g_loaded_count; }

const Image* image(unsigned i) {
    if (i < embedded_count())
        return &mortise_image_table[i];
    i -= embedded_count();
    return i < g_loaded_count ? &g_loaded[i] : nullptr;
}

const Image* find_image(const char* name, ImageKind kind) {
    for (unsigned i = 0; i < image_count(); ++i)
        if (image(i)->kind == kind && __builtin_strcmp(image(i)->name, name) == 0)
            return image(i);
    return nullptr;
}

unsigned kernel_count() {
    unsigned n = 0;
    for (unsigned i = 0; i < image_count(); ++i)
        n += image(i)->kind == ImageKind::Tenon || image(i)->kind == ImageKind::Linux ? 1 : 0;
    return n;
}

const void* partitions_blob(u64& size) {
    if (g_parts) {
        size = g_parts->size;
        return reinterpret_cast<const void*>(g_parts->address);
    }
    if (g_parts_refused) {
        size = 0;
        return nullptr;
    }
    size = mortise_partitions_size;
    return size ? mortise_partitions : nullptr;
}

bool use_boot_modules(const tn::fdt::Fdt& host, const modules::Machine& machine) {
    g_loaded_count = 0;
    g_parts = nullptr;
    g_parts_refused = false;
    bool ok = modules::read(host, machine, access, nullptr, g_modules);
    if (g_modules.error)
        MLOG("boot modules: %s", g_modules.error);
    for (unsigned i = 0; i < g_modules.count; ++i) {
        const modules::Module& m = g_modules.items[i];
        const char* name = m.name[0] ? m.name : "-";
        if (!m.ok()) {
            MLOG("boot module %s (%s '%s', %#lx+%#lx) refused: %s%s%s", m.node, modules::kind_name(m.kind), name,
                 m.address, m.size, modules::explain(m.problem), m.detail ? ": " : "", m.detail ? m.detail : "");
            if (m.kind == modules::Kind::Partitions)
                g_parts_refused = true;
            continue;
        }
        MLOG("boot module %s: %s '%s' at %#lx, %lu bytes", m.node, modules::kind_name(m.kind), name, m.address,
             m.size);
        if (m.kind == modules::Kind::Partitions) {
            g_parts = &m;
            continue;
        }
        g_loaded[g_loaded_count++] = {m.name, reinterpret_cast<const u8*>(m.address), m.size, image_kind(m.kind)};
    }
    if (g_parts_refused)
        MLOG("the partition description module was refused: no guest started");
    return ok;
}

const modules::Table& boot_modules() { return g_modules; }

bool overlaps_boot_module(tn::PhysAddr base, u64 size) {
    for (unsigned i = 0; i < g_modules.count; ++i) {
        const modules::Module& m = g_modules.items[i];
        if (m.size && m.address + m.size > m.address && base.value() < m.address + m.size &&
            m.address < base.value() + size)
            return true;
    }
    return false;
}

}  // namespace mortise
