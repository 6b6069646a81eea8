// Calls every tn::fdt accessor on every node of an opened blob and touches every byte
// it hands out, so ASan/UBSan see any out-of-bounds read. Shared by the unit tests and
// the libFuzzer target (test/fuzz/fdt_fuzz.cpp); needs no gtest.
#pragma once

#include <tn/fdt.hpp>

namespace tn::fdt::test {

/// Reads a returned string up to its NUL; the sanitizers flag it if unterminated.
inline usize touch(const char* s) {
    usize n = 0;
    while (s != nullptr && s[n] != '\0')
        ++n;
    return n;
}

inline usize touch(const Property& p) {
    usize sum = touch(p.name());
    for (u32 i = 0; i < p.size(); ++i)
        sum += p.data()[i];
    auto list = p.as_strings();
    if (list.ok()) {
        for (const char* s : list.value())
            sum += touch(s);
        sum += list.value().count();
    }
    sum += p.as_u32().value_or(0) + p.as_u64().value_or(0) + p.cells(0, 2).value_or(0);
    sum += touch(p.as_string().value_or(""));
    return sum;
}

/// Cheap accessors for every node; the rescanning ones (parent, reg, interrupts) only
/// when @p deep, since a fuzzed blob with thousands of nodes would make them quadratic.
inline usize exercise_node(const Fdt& fdt, Node n, bool deep) {
    usize sum = touch(fdt.name(n)) + fdt.available(n) + fdt.compatible_with(n, "arm,pl011");
    for (Property p : fdt.properties(n))
        sum += touch(p);
    sum += fdt.first_child(n).ok() + fdt.next_sibling(n).ok();
    sum += fdt.address_cells(n).value_or(0) + fdt.size_cells(n).value_or(0);
    if (!deep)
        return sum;
    sum += fdt.parent(n).ok() + fdt.interrupt_parent(n).ok();
    usize regs = fdt.reg_count(n).value_or(0);
    for (usize i = 0; i < regs && i < 8; ++i)
        sum += fdt.reg(n, i).value_or(Region{0, 0}).size;
    usize irqs = fdt.interrupt_count(n).value_or(0);
    for (usize i = 0; i < irqs && i < 4; ++i) {
        auto irq = fdt.interrupt(n, i);
        if (irq.ok())
            sum += gic_intid(irq.value()).value_or(0);
    }
    return sum;
}

/// @return a value derived from everything read, so nothing is optimized away.
inline usize exercise(const Fdt& fdt) {
    usize sum = fdt.total_size() + fdt.version() + fdt.boot_cpuid();
    for (Region r : fdt.reservations())
        sum += r.address + r.size;
    usize count = 0;
    for (Node n : fdt.nodes())
        sum += exercise_node(fdt, n, ++count <= 16);
    for (Node n : fdt.children(fdt.root()))
        sum += touch(fdt.name(n));
    for (Node n : fdt.nodes_of_type("cpu"))
        sum += n.offset();
    Region mem[4];
    sum += fdt.memory_regions(mem, 4).value_or(0);
    sum += touch(fdt.bootargs().value_or(""));
    auto out = fdt.stdout_path();
    if (out.ok())
        sum += touch(out.value().options) + out.value().node.offset();
    sum += fdt.find_path("/cpus/cpu@0").ok() + fdt.find_path("serial0/x:y").ok();
    sum += touch(fdt.alias("serial0").value_or(""));
    sum += fdt.find_device("arm,pl011").ok() + fdt.find_gic().ok() + fdt.find_psci().ok();
    sum += fdt.find_device_at("arm,pl011", 0x9000000).ok();
    sum += fdt.timer_intid(TimerIrq::NonSecure).value_or(0);
    for (u32 ph = 1; ph < 4; ++ph)
        sum += fdt.find_phandle(ph).ok();
    return sum;
}

/// A comparable summary of a Node lookup: the offset, or the error above all offsets.
inline u64 answer(const Result<Node, Error>& r) {
    return r.ok() ? r.value().offset() : (u64{1} << 32) + static_cast<u64>(r.error());
}

/// How many offsets differ between two node ranges, plus one if their lengths differ.
inline usize range_differences(NodeRange a, NodeRange b) {
    usize diff = 0;
    auto i = a.begin();
    auto j = b.begin();
    for (; i != a.end() && j != b.end(); ++i, ++j)
        diff += (*i).offset() != (*j).offset();
    return diff + ((i == a.end()) != (j == b.end()));
}

/// Number of queries answered differently by @p plain and @p indexed, the same blob
/// opened without and with a NodeIndex: the index may make queries cheaper, never
/// change an answer. The quadratic checks stop after @p deep_nodes nodes, as in
/// exercise(); the fuzzer feeds blobs with thousands of nodes.
inline usize index_differences(const Fdt& plain, const Fdt& indexed, usize deep_nodes = 16) {
    static const char* const compatibles[] = {"arm,pl011", "virtio,mmio", "arm,cortex-a15-gic", "arm,gic-v3",
                                              "arm,armv8-timer", "arm,psci-1.0", "a,b", "c", ""};
    static const char* const types[] = {"memory", "cpu", "pci", ""};
    static const char* const paths[] = {"/cpus", "/cpus/cpu@0", "/cpus/cpu", "/soc/uart", "/chosen", "serial0/x"};
    usize diff = range_differences(plain.nodes(), indexed.nodes());
    for (const char* c : compatibles)
        diff += range_differences(plain.compatible_nodes(c), indexed.compatible_nodes(c));
    for (const char* t : types)
        diff += range_differences(plain.nodes_of_type(t), indexed.nodes_of_type(t));
    for (const char* p : paths)
        diff += answer(plain.find_path(p)) != answer(indexed.find_path(p));
    usize count = 0;
    for (Node n : plain.nodes()) {
        diff += answer(plain.parent(n)) != answer(indexed.parent(n));
        diff += answer(plain.first_child(n)) != answer(indexed.first_child(n));
        diff += answer(plain.next_sibling(n)) != answer(indexed.next_sibling(n));
        diff += answer(plain.next_node(n)) != answer(indexed.next_node(n));
        diff += range_differences(plain.children(n), indexed.children(n));
        for (const char* name : {"phandle", "linux,phandle"}) {
            auto p = plain.property(n, name);
            if (p.ok() && p.value().size() == 4)
                diff += answer(plain.find_phandle(p.value().as_u32().value())) !=
                        answer(indexed.find_phandle(p.value().as_u32().value()));
        }
        if (++count > deep_nodes)
            continue;
        diff += answer(plain.interrupt_parent(n)) != answer(indexed.interrupt_parent(n));
        auto first = plain.prop_string(n, "compatible");
        if (first.ok()) {
            const char* c = first.value();
            diff += range_differences(plain.compatible_nodes(c), indexed.compatible_nodes(c));
        }
    }
    for (u32 ph = 1; ph < 4; ++ph)
        diff += answer(plain.find_phandle(ph)) != answer(indexed.find_phandle(ph));
    return diff + (exercise(plain) != exercise(indexed));
}

}  // namespace tn::fdt::test
