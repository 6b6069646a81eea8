#include <tn/drivers/pl011.hpp>

namespace tn::pl011 {

void Uart::init() {
    flush();
    m_regs.write<Regs::Cr>(0);
    m_regs.write<Regs::Imsc>(0);
    m_regs.write<Regs::Icr>(Regs::Irqs::k_all);
    m_regs.write<Regs::LcrH>(Regs::LcrH::Wlen::bits(3) | Regs::LcrH::Fen::bits(1));
    m_regs.write<Regs::Cr>(Regs::Cr::Uarten::bits(1) | Regs::Cr::Txe::bits(1) | Regs::Cr::Rxe::bits(1));
}

void Uart::put(char c) {
    while (Regs::Fr::Txff::get(m_regs.read<Regs::Fr>()))
        ;
    m_regs.write<Regs::Dr>(static_cast<u8>(c));
}

int Uart::try_get() {
    i32 word = try_receive();
    return word < 0 ? -1 : static_cast<int>(Regs::Dr::Data::get(word));
}

i32 Uart::try_receive() {
    if (Regs::Fr::Rxfe::get(m_regs.read<Regs::Fr>()))
        return -1;
    return static_cast<i32>(m_regs.read<Regs::Dr>() & 0xfff);
}

void Uart::flush() {
    while (Regs::Fr::Busy::get(m_regs.read<Regs::Fr>()))
        ;
}

void Uart::enable_rx_interrupts(RxLevel level) {
    u32 ifls = m_regs.read<Regs::Ifls>();
    m_regs.write<Regs::Ifls>(Regs::Ifls::Rxiflsel::set(ifls, static_cast<u32>(level)));
    u32 imsc = m_regs.read<Regs::Imsc>();
    m_regs.write<Regs::Imsc>(imsc | Regs::Imsc::Rx::bits(1) | Regs::Imsc::Rt::bits(1));
}

void Uart::disable_rx_interrupts() {
    u32 imsc = m_regs.read<Regs::Imsc>();
    m_regs.write<Regs::Imsc>(imsc & ~(Regs::Imsc::Rx::mask | Regs::Imsc::Rt::mask));
}

void Uart::clear_rx_interrupts() {
    m_regs.write<Regs::Icr>(Regs::Icr::Rx::bits(1) | Regs::Icr::Rt::bits(1));
}

}  // namespace tn::pl011
