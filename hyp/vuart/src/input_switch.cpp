// Console input switch: Ctrl-A escapes (see mortise/vuart.hpp).
#include <mortise/vuart.hpp>

namespace mortise::vuart {

InputSwitch::Result InputSwitch::forward(u8 a) const {
    return Result{Result::Kind::Forward, m_target, {a, 0}, 1, 0};
}

InputSwitch::Result InputSwitch::forward(u8 a, u8 b) const {
    return Result{Result::Kind::Forward, m_target, {a, b}, 2, 0};
}

InputSwitch::Result InputSwitch::feed(u8 byte) {
    if (!m_escape) {
        if (byte != k_escape)
            return forward(byte);
        m_escape = true;
        return Result{Result::Kind::Pending, m_target, {0, 0}, 0, 0};
    }
    m_escape = false;
    if (byte == k_escape)
        return forward(k_escape);
    if (byte == '0' || byte == 'm') {
        m_target = {Target::Kind::Shell, 0};
        return Result{Result::Kind::Switched, m_target, {0, 0}, 0, 0};
    }
    if (byte >= '1' && byte <= '9') {
        unsigned guest = static_cast<unsigned>(byte - '1');
        if (guest >= m_guests)
            return Result{Result::Kind::NoGuest, m_target, {0, 0}, 0, guest};
        m_target = {Target::Kind::Guest, guest};
        return Result{Result::Kind::Switched, m_target, {0, 0}, 0, 0};
    }
    return forward(k_escape, byte);
}

}  // namespace mortise::vuart
