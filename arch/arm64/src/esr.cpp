#include <tn/arch/esr.hpp>

namespace tn::arch::esr {

namespace {

struct EcName {
    u32 ec;
    const char* name;
};

constexpr EcName k_ec_names[] = {
    {ec_code::unknown, "unknown reason (undefined instruction)"},
    {ec_code::wfx, "WFI/WFE trapped"},
    {ec_code::fp_access, "FP/SIMD access trapped (CPACR_EL1.FPEN)"},
    {ec_code::illegal_state, "illegal execution state"},
    {ec_code::svc64, "SVC"},
    {ec_code::hvc64, "HVC"},
    {ec_code::smc64, "SMC"},
    {ec_code::sysreg, "system register access trapped"},
    {ec_code::inst_abort_lower, "instruction abort (lower EL)"},
    {ec_code::inst_abort_same, "instruction abort (same EL)"},
    {ec_code::pc_align, "PC alignment fault"},
    {ec_code::data_abort_lower, "data abort (lower EL)"},
    {ec_code::data_abort_same, "data abort (same EL)"},
    {ec_code::sp_align, "SP alignment fault"},
    {ec_code::fp_exc64, "floating-point exception"},
    {ec_code::serror, "SError interrupt"},
    {ec_code::brk64, "BRK instruction"},
};

void append(char* buf, usize size, usize& pos, const char* s) {
    while (*s && pos + 1 < size)
        buf[pos++] = *s++;
    buf[pos < size ? pos : size - 1] = 0;
}

}  // namespace

const char* ec_name(u32 ec) {
    for (const auto& e : k_ec_names)
        if (e.ec == ec)
            return e.name;
    return "reserved";
}

const char* fsc_describe(u32 fsc, char* buf, usize size) {
    if (size == 0)
        return buf;
    usize pos = 0;
    buf[0] = 0;
    const char* kind = nullptr;
    bool leveled = true;
    switch (fsc & 0x3c) {
    case 0x00: kind = "address size fault"; break;
    case 0x04: kind = "translation fault"; break;
    case 0x08: kind = "access flag fault"; break;
    case 0x0c: kind = "permission fault"; break;
    default: leveled = false; break;
    }
    if (!leveled) {
        switch (fsc) {
        case 0x10: kind = "synchronous external abort"; break;
        case 0x21: kind = "alignment fault"; break;
        case 0x30: kind = "TLB conflict abort"; break;
        default: kind = "other fault"; break;
        }
    }
    append(buf, size, pos, kind);
    if (leveled) {
        char level[] = ", level 0";
        level[8] = static_cast<char>('0' + (fsc & 3));
        append(buf, size, pos, level);
    }
    return buf;
}

}  // namespace tn::arch::esr
