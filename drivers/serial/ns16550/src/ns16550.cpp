#include <tn/drivers/ns16550.hpp>

namespace tn::ns16550 {

namespace {

// Polls of USR.BUSY before giving up: a line that keeps receiving keeps a
// DesignWare UART busy; the LCR write is then tried anyway (at worst it is
// ignored and firmware's line settings stay). Far more than one character
// time at 9600 baud (about 1 ms) on any core.
constexpr u32 k_busy_polls = 1u << 20;

constexpr u32 k_8n1 = reg::Lcr::WordLength::bits(3);

}  // namespace

u32 Uart::read(u32 r) const { return detail::bus_read(m_c.base + (uptr{r} << m_c.reg_shift), m_c.io_width) & 0xff; }

void Uart::write(u32 r, u32 v) const { detail::bus_write(m_c.base + (uptr{r} << m_c.reg_shift), m_c.io_width, v & 0xff); }

void Uart::wait_not_busy() const {
    if (!m_c.dw_apb)
        return;
    for (u32 i = 0; i < k_busy_polls && reg::Usr::Busy::get(read(reg::usr)); ++i)
        ;
}

void Uart::init() {
    flush();
    write(reg::ier, 0);
    wait_not_busy();
    if (u32 div = divisor(m_c.clock_hz, m_c.baud)) {
        write(reg::lcr, k_8n1 | reg::Lcr::Dlab::bits(1));
        write(reg::dll, div & 0xff);
        write(reg::dlh, div >> 8);
    }
    write(reg::lcr, k_8n1);
    write(reg::fcr, reg::Fcr::Enable::bits(1) | reg::Fcr::RxReset::bits(1) | reg::Fcr::TxReset::bits(1));
    write(reg::mcr, reg::Mcr::Dtr::bits(1) | reg::Mcr::Rts::bits(1) | reg::Mcr::Out2::bits(1));
    (void)acknowledge();
}

void Uart::put(char c) {
    while (!reg::Lsr::Thre::get(read(reg::lsr)))
        ;
    write(reg::thr, static_cast<u8>(c));
}

int Uart::try_get() {
    i32 word = try_receive();
    return word < 0 ? -1 : static_cast<int>(RxWord::Data::get(static_cast<u32>(word)));
}

i32 Uart::try_receive() {
    u32 lsr = line_status();
    if (!reg::Lsr::Dr::get(lsr))
        return -1;
    return static_cast<i32>(RxWord::Data::bits(read_data()) | RxWord::Errors::bits(lsr & reg::Lsr::k_errors));
}

u32 Uart::line_status() { return read(reg::lsr); }

u8 Uart::read_data() { return static_cast<u8>(read(reg::rbr)); }

void Uart::flush() {
    while (!reg::Lsr::Temt::get(read(reg::lsr)))
        ;
}

void Uart::enable_rx_interrupts(RxLevel level) {
    // FCR is write-only: the FIFOs stay enabled, nothing is reset.
    write(reg::fcr, reg::Fcr::Enable::bits(1) | reg::Fcr::RxTrigger::bits(static_cast<u32>(level)));
    write(reg::ier, reg::Ier::Erbfi::bits(1) | reg::Ier::Elsi::bits(1));
}

void Uart::disable_rx_interrupts() { write(reg::ier, 0); }

u32 Uart::acknowledge() {
    u32 id = reg::Iir::Id::get(read(reg::iir));
    if (id == reg::Iir::k_busy_detect && m_c.dw_apb)
        (void)read(reg::usr);
    return id;
}

}  // namespace tn::ns16550
