// Emulated PL011: register file, output line assembly, input ring. See
// mortise/vuart.hpp for the model and the defined behaviour of bad accesses.
#include <mortise/vuart.hpp>
#include <tn/plat/mortise_guest_map.hpp>

namespace mortise::vuart {

// The guest map's UART window is one register frame (tn/plat/mortise_guest_map.hpp).
static_assert(tn::plat::mortise_guest::map::k_uart_size == reg::frame_size);
static_assert(k_line_max == GuestLine::k_text_max && k_name_max == GuestLine::k_name_max);

namespace {

// Register widths (DDI 0183G Table 3-1): writes keep only the implemented bits.
constexpr u32 k_mask_ibrd = 0xffff, k_mask_fbrd = 0x3f, k_mask_lcr_h = 0xff, k_mask_cr = 0xff87,
              k_mask_ifls = 0x3f, k_mask_imsc = irq::all, k_mask_dmacr = 0x7, k_mask_ilpr = 0xff;
constexpr u32 k_rsr_overrun = 1u << 3;
constexpr u32 k_dr_overrun = 1u << 11;

bool valid_access(u64 offset, unsigned size) {
    if (size != 1 && size != 2 && size != 4)
        return false;
    if (offset % size != 0)
        return false;
    return offset < reg::frame_size && offset + size <= reg::frame_size;
}

}  // namespace

Pl011::Pl011(const char* name, LineSink sink, void* sink_ctx, IrqLine irq, void* irq_ctx)
    : m_out(name, sink, sink_ctx), m_irq(irq), m_irq_ctx(irq_ctx) {}

bool Pl011::read(unsigned, u64 offset, unsigned size, u64& value) {
    if (!valid_access(offset, size))
        return false;
    tn::SpinlockGuard guard(m_lock);
    u64 aligned = offset & ~u64{3};
    // Only a read of UARTDR's low byte takes a byte from the receive FIFO.
    u32 v = aligned == reg::dr && offset != aligned ? 0 : read_reg(aligned);
    value = (v >> (8 * (offset - aligned))) & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
    sync_view();
    update_irq();
    return true;
}

bool Pl011::write(unsigned, u64 offset, unsigned size, u64 value) {
    if (!valid_access(offset, size))
        return false;
    tn::SpinlockGuard guard(m_lock);
    // A narrow write to a register's low bytes writes the register (zero
    // extended); one to its upper bytes hits bits no PL011 register has.
    if (offset % 4 == 0)
        write_reg(offset, static_cast<u32>(value & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1)));
    sync_view();
    update_irq();
    return true;
}

u32 Pl011::read_reg(u64 offset) {
    if (offset >= reg::periph_id0 && offset <= reg::pcell_id3)
        return k_id[(offset - reg::periph_id0) / 4];
    switch (offset) {
    case reg::dr: {
        if (m_rx_head == m_rx_tail)
            return 0;
        u32 v = m_rx[m_rx_tail % k_rx_capacity];
        ++m_rx_tail;
        if (m_rsr & k_rsr_overrun) {
            v |= k_dr_overrun;  // the byte after a lost one carries the overrun flag
            m_rsr &= ~k_rsr_overrun;
        }
        return v;
    }
    case reg::rsr: return m_rsr;
    case reg::fr: return flags();
    case reg::ilpr: return m_ilpr;
    case reg::ibrd: return m_ibrd;
    case reg::fbrd: return m_fbrd;
    case reg::lcr_h: return m_lcr_h;
    case reg::cr: return m_cr;
    case reg::ifls: return m_ifls;
    case reg::imsc: return m_imsc;
    case reg::ris: return raw_status();
    case reg::mis: return raw_status() & m_imsc;
    case reg::dmacr: return m_dmacr;
    default: return 0;  // UARTICR is write-only; reserved offsets read as zero
    }
}

void Pl011::write_reg(u64 offset, u32 v) {
    switch (offset) {
    case reg::dr: transmit(static_cast<u8>(v)); break;
    case reg::rsr: m_rsr = 0; break;  // UARTECR: any write clears the error flags
    case reg::ilpr: m_ilpr = v & k_mask_ilpr; break;
    case reg::ibrd: m_ibrd = v & k_mask_ibrd; break;
    case reg::fbrd: m_fbrd = v & k_mask_fbrd; break;
    case reg::lcr_h: m_lcr_h = v & k_mask_lcr_h; break;
    case reg::cr: m_cr = v & k_mask_cr; break;
    case reg::ifls: m_ifls = v & k_mask_ifls; break;
    case reg::imsc: m_imsc = v & k_mask_imsc; break;
    case reg::icr: m_latched &= ~v; break;
    case reg::dmacr: m_dmacr = v & k_mask_dmacr; break;
    default: break;  // read-only and reserved offsets ignore writes
    }
}

// RX and RX-timeout follow "data waiting"; TX is always asserted (the FIFO is
// always empty); overrun is latched until UARTICR.
u32 Pl011::raw_status() const {
    u32 ris = irq::tx | m_latched;
    if (m_rx_head != m_rx_tail)
        ris |= irq::rx | irq::rt;
    return ris;
}

u32 Pl011::flags() const {
    u32 f = fr::txfe;
    u32 fill = m_rx_head - m_rx_tail;
    if (fill == 0)
        f |= fr::rxfe;
    if (fill == k_rx_capacity)
        f |= fr::rxff;
    return f;
}

bool Pl011::irq_level() const { return (raw_status() & m_imsc) != 0; }

void Pl011::update_irq() {
    bool level = irq_level();
    if (level == m_irq_out)
        return;
    m_irq_out = level;
    if (m_irq)
        m_irq(m_irq_ctx, level);
}

void Pl011::transmit(u8 byte) {
    if (m_cr & cr::lbe) {
        (void)receive(byte);
        return;
    }
    m_out.put(byte);  // tagged lines, control characters escaped
}

bool Pl011::receive(u8 byte) {
    if (m_rx_head - m_rx_tail == k_rx_capacity) {
        ++m_rx_dropped;
        m_rsr |= k_rsr_overrun;
        m_latched |= irq::oe;
        return false;
    }
    m_rx[m_rx_head % k_rx_capacity] = byte;
    ++m_rx_head;
    return true;
}

bool Pl011::push_input(u8 byte) {
    tn::SpinlockGuard guard(m_lock);
    bool ok;
    if ((m_cr & (cr::uarten | cr::rxe)) != (cr::uarten | cr::rxe)) {
        ++m_rx_dropped;
        ok = false;
    } else {
        ok = receive(byte);
    }
    sync_view();  // unmaps the view before the input can be seen
    update_irq();
    return ok;
}

void Pl011::flush() {
    tn::SpinlockGuard guard(m_lock);
    m_out.flush();
}

void Pl011::reset() {
    tn::SpinlockGuard guard(m_lock);
    m_cr = cr::reset;
    m_lcr_h = m_ibrd = m_fbrd = m_imsc = m_ilpr = m_dmacr = 0;
    m_ifls = 0x12;
    m_latched = m_rsr = 0;
    m_rx_head = m_rx_tail = 0;
    m_out.clear();
    sync_view();
    update_irq();
}

void Pl011::attach_view(u32* view, ViewHook hook, void* ctx) {
    tn::SpinlockGuard guard(m_lock);
    m_view = view;
    m_view_hook = hook;
    m_view_ctx = ctx;
    m_view_mapped = false;
    for (usize i = 0; i < k_view_words; ++i)
        view[i] = 0;
    for (u64 off = reg::periph_id0; off <= reg::pcell_id3; off += 4)
        view[off / 4] = k_id[(off - reg::periph_id0) / 4];
    for (u64 off = reg::dr + 4; off < k_view_live_bytes; off += 4)  // UARTDR reads 0 while the ring is empty
        view[off / 4] = read_reg(off);
    m_view_hook(m_view_ctx, ViewOp::Clean, 0, reg::frame_size);
    sync_view();
}

// Keeps the view equal to what read() returns while reads have no side
// effects, and mapped exactly then. The view is not touched while input
// waits: it still says "receiver empty" when the hook is told to unmap it.
void Pl011::sync_view() {
    if (!m_view)
        return;
    if (m_rx_head != m_rx_tail) {
        if (m_view_mapped) {
            m_view_hook(m_view_ctx, ViewOp::Unmap, 0, 0);
            m_view_mapped = false;
        }
        return;
    }
    bool changed = false;
    for (u64 off = reg::dr + 4; off < k_view_live_bytes; off += 4) {  // UARTDR stays 0
        u32 v = read_reg(off);  // no side effect: the ring is empty
        if (__atomic_load_n(&m_view[off / 4], __ATOMIC_RELAXED) != v) {
            __atomic_store_n(&m_view[off / 4], v, __ATOMIC_RELAXED);  // guests read it meanwhile
            changed = true;
        }
    }
    if (changed)
        m_view_hook(m_view_ctx, ViewOp::Clean, 0, k_view_live_bytes);
    if (!m_view_mapped) {
        m_view_hook(m_view_ctx, ViewOp::Map, 0, reg::frame_size);
        m_view_mapped = true;
    }
}

}  // namespace mortise::vuart
