// A register-level model of a 16550 with 64-byte FIFOs (DesignWare APB UART
// as rk3568 configures it, or a plain 16550A), for host tests of the driver.
// It checks every access the driver makes: the address must be a register's
// (base + (n << reg_shift)) and the width the configured reg-io-width.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include <tn/drivers/ns16550.hpp>

namespace tn::ns16550::test {

class UartModel {
public:
    struct Byte {
        u8 data;
        u8 errors;  // LSR Pe/Fe/Bi bits that travel with the byte
    };

    UartModel(uptr base, u8 shift, u8 width, bool dw, usize fifo = 64)
        : m_base(base), m_shift(shift), m_width(width), m_dw(dw), m_fifo(fifo) {}

    // The line side.
    /// A byte arrives; with the FIFO full it is lost and LSR.OE set.
    void receive(u8 c, u8 errors = 0) {
        if (m_rx.size() == m_fifo) {
            m_overrun = true;
            return;
        }
        m_rx.push_back({c, errors});
    }
    void receive(const std::string& s) {
        for (char c : s)
            receive(static_cast<u8>(c));
    }
    /// Four character times pass with no new byte.
    void idle() { m_timeout = !m_rx.empty(); }

    // What the device did.
    std::string tx;          ///< Bytes written to THR with DLAB clear.
    u32 ier = 0, lcr = 0, mcr = 0, scr = 0, dll = 0, dlh = 0;
    bool fifo_enabled = false;
    u32 rx_trigger = 0;      ///< FCR[7:6]
    int rx_resets = 0, tx_resets = 0;
    int lcr_writes_ignored = 0;
    int lsr_polls = 0;
    /// LSR reads that show THRE and TEMT clear after each THR write.
    int thre_delay = 0;
    /// DesignWare: USR reads that still show BUSY (LCR writes are ignored meanwhile).
    int busy_polls = 0;
    bool busy_detect = false;

    usize rx_level() const { return m_rx.size(); }
    bool irq_pending() { return iir_id() != reg::Iir::k_none; }
    u32 iir_id() const {
        bool lsi = reg::Ier::Elsi::get(ier) && (m_overrun || (!m_rx.empty() && m_rx.front().errors));
        bool rda = reg::Ier::Erbfi::get(ier) && m_rx.size() >= trigger_bytes();
        bool cti = reg::Ier::Erbfi::get(ier) && m_timeout && !m_rx.empty();
        if (lsi)
            return reg::Iir::k_line_status;
        if (rda)
            return reg::Iir::k_rx_data;
        if (cti)
            return reg::Iir::k_char_timeout;
        if (m_dw && busy_detect)
            return reg::Iir::k_busy_detect;
        if (reg::Ier::Etbei::get(ier) && m_thre_wait == 0)
            return reg::Iir::k_thr_empty;
        return reg::Iir::k_none;
    }
    usize trigger_bytes() const {
        const usize levels[] = {1, m_fifo / 4, m_fifo / 2, m_fifo - 2};
        return fifo_enabled ? levels[rx_trigger] : 1;
    }

    u32 read(uptr addr, u8 width) {
        u32 r = decode(addr, width);
        bool dlab = reg::Lcr::Dlab::get(lcr);
        switch (r) {
        case 0:
            if (dlab)
                return dll;
            return pop();
        case 1: return dlab ? dlh : ier;
        case 2: return iir_id() | (fifo_enabled ? 0xc0 : 0);
        case 3: return lcr;
        case 4: return mcr;
        case 5: return lsr();
        case 6: return 0;
        case 7: return scr;
        case 31:
            busy_detect = false;
            if (busy_polls > 0) {
                --busy_polls;
                return 1;
            }
            return 0;
        }
        return 0;
    }

    void write(uptr addr, u8 width, u32 v) {
        u32 r = decode(addr, width);
        EXPECT_EQ(v & ~0xffu, 0u) << "a write sets bits above the register's 8";
        bool dlab = reg::Lcr::Dlab::get(lcr);
        switch (r) {
        case 0:
            if (dlab) {
                dll = v;
            } else {
                EXPECT_EQ(m_thre_wait, 0) << "THR written while not empty";
                tx.push_back(static_cast<char>(v));
                m_thre_wait = thre_delay;
            }
            break;
        case 1:
            if (dlab)
                dlh = v;
            else
                ier = v & 0x8f;
            break;
        case 2:
            fifo_enabled = reg::Fcr::Enable::get(v);
            rx_trigger = static_cast<u32>(reg::Fcr::RxTrigger::get(v));
            if (reg::Fcr::RxReset::get(v)) {
                ++rx_resets;
                m_rx.clear();
                m_timeout = false;
            }
            if (reg::Fcr::TxReset::get(v))
                ++tx_resets;
            break;
        case 3:
            if (m_dw && busy_polls > 0) {
                ++lcr_writes_ignored;
                busy_detect = true;
            } else {
                lcr = v;
            }
            break;
        case 4: mcr = v; break;
        case 7: scr = v; break;
        default: ADD_FAILURE() << "write to read-only register " << r;
        }
    }

    /// The model the driver's bus functions reach (one at a time).
    static UartModel*& current() {
        static UartModel* m = nullptr;
        return m;
    }

private:
    u32 decode(uptr addr, u8 width) {
        EXPECT_EQ(width, m_width) << "access width differs from reg-io-width";
        EXPECT_GE(addr, m_base);
        uptr off = addr - m_base;
        EXPECT_EQ(off & ((uptr{1} << m_shift) - 1), 0u) << "address not a register's (reg-shift " << int(m_shift)
                                                        << ")";
        u32 r = static_cast<u32>(off >> m_shift);
        EXPECT_TRUE(r <= 7 || (m_dw && r == 31)) << "no register " << r;
        return r;
    }
    u32 lsr() {
        ++lsr_polls;
        u32 v = 0;
        if (!m_rx.empty())
            v |= reg::Lsr::Dr::mask | m_rx.front().errors;
        if (m_overrun)
            v |= reg::Lsr::Oe::mask;
        m_overrun = false;
        if (m_thre_wait > 0)
            --m_thre_wait;
        else
            v |= reg::Lsr::Thre::mask | reg::Lsr::Temt::mask;
        return v;
    }
    u32 pop() {
        if (m_rx.empty())
            return 0;
        u8 c = m_rx.front().data;
        m_rx.pop_front();
        if (m_rx.empty())
            m_timeout = false;
        return c;
    }

    uptr m_base;
    u8 m_shift, m_width;
    bool m_dw;
    usize m_fifo;
    std::deque<Byte> m_rx;
    bool m_overrun = false;
    bool m_timeout = false;
    int m_thre_wait = 0;
};

}  // namespace tn::ns16550::test
