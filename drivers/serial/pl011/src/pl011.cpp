#include <tn/drivers/pl011.hpp>

namespace tn::pl011 {

void Uart::init() {
    flush();
    m_regs.write<Regs::Cr>(0);
    m_regs.write<Regs::Imsc>(0);
    m_regs.write<Regs::Icr>(0x7ff);
    m_regs.write<Regs::LcrH>(Regs::LcrH::Wlen::bits(3) | Regs::LcrH::Fen::bits(1));
    m_regs.write<Regs::Cr>(Regs::Cr::Uarten::bits(1) | Regs::Cr::Txe::bits(1) | Regs::Cr::Rxe::bits(1));
}

void Uart::put(char c) {
    while (Regs::Fr::Txff::get(m_regs.read<Regs::Fr>()))
        ;
    m_regs.write<Regs::Dr>(static_cast<u8>(c));
}

int Uart::try_get() {
    if (Regs::Fr::Rxfe::get(m_regs.read<Regs::Fr>()))
        return -1;
    return static_cast<int>(m_regs.read<Regs::Dr>() & 0xff);
}

void Uart::flush() {
    while (Regs::Fr::Busy::get(m_regs.read<Regs::Fr>()))
        ;
}

}  // namespace tn::pl011
