// Reading a channel node of the boot device tree (tn/ivc_dt.hpp). Portable:
// host unit tests run it on trees built with tn::fdt::Writer.
#include <tn/ivc_dt.hpp>

namespace tn::ivc {

namespace {

bool same(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

// Index of the `reg` entry named @p want: from `reg-names` when the node has
// it, else @p fallback (the binding's order: doorbell, then shm).
Result<usize, DescError> reg_index(const fdt::Fdt& dt, fdt::Node node, const char* want, usize fallback) {
    auto names = dt.property(node, "reg-names");
    if (!names.ok())
        return fallback;
    auto list = names.value().as_strings();
    if (!list.ok())
        return err(DescError::BadReg);
    usize i = 0;
    for (const char* s : list.value()) {
        if (same(s, want))
            return i;
        ++i;
    }
    return err(DescError::BadReg);
}

Result<fdt::Region, DescError> reg_named(const fdt::Fdt& dt, fdt::Node node, const char* want, usize fallback) {
    auto i = reg_index(dt, node, want, fallback);
    if (!i.ok())
        return err(i.error());
    auto r = dt.reg(node, i.value());
    if (!r.ok() || r.value().size == 0 || r.value().address + r.value().size < r.value().address)
        return err(DescError::BadReg);
    return r.value();
}

}  // namespace

const char* desc_error_name(DescError e) {
    switch (e) {
    case DescError::NotFound: return "NotFound";
    case DescError::BadReg: return "BadReg";
    case DescError::BadInterrupt: return "BadInterrupt";
    case DescError::BadProperty: return "BadProperty";
    }
    return "?";
}

Result<ChannelDesc, DescError> parse_channel(const fdt::Fdt& dt, fdt::Node node) {
    ChannelDesc d{};
    auto label = dt.prop_string(node, "label");
    if (!label.ok() || label.value()[0] == '\0')
        return err(DescError::BadProperty);
    d.name = label.value();
    usize len = 0;
    while (d.name[len] != '\0')
        ++len;
    if (len > k_max_name)
        return err(DescError::BadProperty);

    auto bell = reg_named(dt, node, "doorbell", 0);
    if (!bell.ok())
        return err(bell.error());
    auto shm = reg_named(dt, node, "shm", 1);
    if (!shm.ok())
        return err(shm.error());
    // The ring needs a 64-byte aligned region; Mortise gives 64 KiB aligned ones.
    if (bell.value().size < 0x1000 || (bell.value().address & 0xfff) != 0 || (shm.value().address & 63) != 0)
        return err(DescError::BadReg);
    d.doorbell = bell.value().address;
    d.doorbell_size = bell.value().size;
    d.shm = shm.value().address;
    d.shm_size = shm.value().size;

    auto irq = dt.interrupt(node, 0);
    if (!irq.ok())
        return err(DescError::BadInterrupt);
    auto intid = fdt::gic_intid(irq.value());
    if (!intid.ok() || intid.value() < 32 || intid.value() > 1019)
        return err(DescError::BadInterrupt);
    d.intid = intid.value();

    auto id = dt.prop_u32(node, "tenonos,channel-id");
    auto member = dt.prop_u32(node, "tenonos,member");
    auto members = dt.prop_u32(node, "tenonos,members");
    if (!id.ok() || !member.ok() || !members.ok() || members.value() < 2 || members.value() > k_max_members ||
        member.value() >= members.value())
        return err(DescError::BadProperty);
    d.id = id.value();
    d.member = member.value();
    d.members = members.value();
    d.read_only = dt.has_property(node, "read-only");
    d.uncached = dt.has_property(node, "tenonos,uncached");
    return d;
}

Result<ChannelDesc, DescError> find_channel(const fdt::Fdt& dt, const char* name) {
    DescError first = DescError::NotFound;
    for (fdt::Node node : dt.compatible_nodes(k_compatible)) {
        if (!dt.available(node))
            continue;
        auto label = dt.prop_string(node, "label");
        if (!label.ok() || !same(label.value(), name))
            continue;
        auto d = parse_channel(dt, node);
        if (d.ok())
            return d;
        if (first == DescError::NotFound)
            first = d.error();
    }
    return err(first);
}

}  // namespace tn::ivc
