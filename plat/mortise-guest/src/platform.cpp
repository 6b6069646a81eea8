// The paravirtual part of the Mortise guest platform: at boot, the guest asks
// Mortise who it is and says so on the console, then (with
// PLAT_MORTISE_GUEST_HVC_CONSOLE) moves console output from the emulated
// PL011, where every byte written traps to Mortise, to the console.write
// hypercall, one per line. The rest of the board is plat/qemu-virt's.
#include <tn/console.hpp>
#include <tn/init.hpp>
#include <tn/irq.hpp>
#include <tn/mortise.hpp>
#include <tn/smp.hpp>

namespace tn::plat::mortise_guest {

namespace {

#ifdef CONFIG_PLAT_MORTISE_GUEST_HVC_CONSOLE
// One partial line per CPU: lines from different CPUs never mix inside one
// call (Mortise tags and assembles lines per guest).
constexpr usize k_line = 160;

struct alignas(64) Line {
    char text[k_line];
    usize len;
};
Line g_lines[CONFIG_TN_MAX_CPUS];

void flush(Line& l) {
    if (l.len)
        (void)tn::mortise::write(l.text, l.len);
    l.len = 0;
}

// IRQs masked: an interrupt handler printing on this CPU must not see the
// line half-updated.
void hvc_put(char c, void*) {
    irq::LocalGuard guard;
    Line& l = g_lines[smp::this_cpu()];
    l.text[l.len++] = c;
    if (c == '\n' || l.len == k_line)
        flush(l);
}
#endif

int announce() {
    tn::mortise::Result v = tn::mortise::version();
    tn::mortise::Result id = tn::mortise::guest_id();
    if (!v.ok() || !id.ok()) {
        tn_printf("Tenon: Mortise guest platform, but the hypervisor does not answer (%s): "
                  "console stays on the PL011\n", tn::mortise::status_name(v.ok() ? id.status : v.status));
        return 0;
    }
#ifdef CONFIG_PLAT_MORTISE_GUEST_HVC_CONSOLE
    console::set_sink(hvc_put, nullptr);
    const char* how = "console through hypercalls";
#else
    const char* how = "console through the emulated PL011";
#endif
    tn_printf("Tenon: Mortise guest %lu, interface %lu.%lu, %s\n", id.x1, v.x1 >> 16, v.x1 & 0xffff, how);
    return 0;
}

TN_INIT(announce, TN_INIT_PLATFORM);

}  // namespace

}  // namespace tn::plat::mortise_guest
