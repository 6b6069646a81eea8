// tn::fdt::apply_overlay: see tn/fdt_overlay.hpp for the overlay form and the ownership rule.
//
// The merged tree is written in one walk of the base tree, document order, with the Writer: each node
// carries, per fragment, the overlay node merged into it (or none). A node's own properties come first
// (overlay values replacing base ones), then the overlay's new properties, then its base children, then
// the overlay's new children: the order the Writer needs (properties before subnodes, §5.4.2).
#include <tn/fdt.hpp>
#include <tn/fdt_overlay.hpp>
#include <tn/fdt_writer.hpp>

namespace tn::fdt {

namespace {

constexpr unsigned k_frags = k_max_overlay_fragments;

bool same(const char* a, const char* b) {
    while (*a != '\0' && *a == *b)
        ++a, ++b;
    return *a == *b;
}

void copy(char* dst, usize cap, const char* src) {
    usize i = 0;
    for (; src[i] != '\0' && i + 1 < cap; ++i)
        dst[i] = src[i];
    dst[i] = '\0';
}

// /chosen properties the generator sets from what it loaded (initramfs place, seeds, console): an
// overlay changing them would point the guest at memory or a device it does not have.
constexpr const char* k_chosen_reserved[] = {"linux,initrd-start", "linux,initrd-end", "rng-seed", "kaslr-seed",
                                             "stdout-path"};

// What an overlay may do to a node of the merged tree.
enum class Mode : u8 {
    Root,    // existing root: new children only
    Chosen,  // existing /chosen: properties (except k_chosen_reserved) and new children
    Locked,  // any other existing node: nothing
    New,     // a node the overlay adds: anything
};

using Group = Node[k_frags];  // per fragment, the overlay node merged into this node (invalid: none)

struct Merge {
    const Fdt& base;
    const Fdt& ov;
    Writer& w;
    OverlayStatus& st;
    Node targets[k_frags];  // base node of each fragment
    Node bodies[k_frags];   // its __overlay__
    unsigned frags = 0;
    char path[256] = {};
    usize path_len = 0;

    bool fail(OverlayError e, const char* prop = "") {
        st.error = e;
        copy(st.path, sizeof st.path, path_len ? path : "/");
        copy(st.property, sizeof st.property, prop);
        return false;
    }

    // Appends "/name" to path (truncated when long: it is only for messages); returns the old length.
    usize push(const char* name) {
        const usize old = path_len;
        if (old != 0 || name[0] != '\0') {
            for (const char* p = "/"; *p && path_len + 1 < sizeof path; ++p)
                path[path_len++] = *p;
            for (const char* p = name; *p && path_len + 1 < sizeof path; ++p)
                path[path_len++] = *p;
        }
        path[path_len] = '\0';
        return old;
    }
    void pop(usize old) {
        path_len = old;
        path[old] = '\0';
    }

    Node child_named(const Fdt& t, Node n, const char* name) const {
        for (Node c : t.children(n))
            if (same(t.name(c), name))
                return c;
        return Node();
    }

    // The phandle machinery is not resolved, so an overlay node must not bring phandles of its own.
    bool check_props(Node o) {
        for (Property p : ov.properties(o))
            if (same(p.name(), "phandle") || same(p.name(), "linux,phandle"))
                return fail(OverlayError::Phandle, p.name());
        return true;
    }

    bool may_set(Mode m, const char* name) {
        if (m == Mode::New)
            return true;
        if (m == Mode::Chosen) {
            for (const char* r : k_chosen_reserved)
                if (same(r, name))
                    return fail(OverlayError::Owned, name);
            return true;
        }
        return fail(OverlayError::Owned, name);
    }

    // Writes node @p b (invalid: a new node) named @p name, merged with group @p g.
    bool emit(Node b, const char* name, const Group& g, Mode mode, unsigned depth) {
        if (depth > k_max_depth)
            return fail(OverlayError::TooDeep);
        w.begin_node(name);
        for (unsigned f = 0; f < frags; ++f)
            if (g[f].valid() && !check_props(g[f]))
                return false;
        // The base's properties, each replaced by the last fragment that sets it.
        if (b.valid()) {
            for (Property p : base.properties(b)) {
                Property use = p;
                bool replaced = false;
                for (unsigned f = 0; f < frags; ++f) {
                    if (!g[f].valid())
                        continue;
                    if (auto q = ov.property(g[f], p.name()); q.ok()) {
                        use = q.value();
                        replaced = true;
                    }
                }
                if (replaced && !may_set(mode, p.name()))
                    return false;
                w.property(use.name(), use.data(), use.size());
            }
        }
        // New properties, once each, with the last fragment's value.
        for (unsigned f = 0; f < frags; ++f) {
            if (!g[f].valid())
                continue;
            for (Property p : ov.properties(g[f])) {
                if (b.valid() && base.has_property(b, p.name()))
                    continue;
                bool earlier = false;
                for (unsigned e = 0; e < f; ++e)
                    earlier |= g[e].valid() && ov.has_property(g[e], p.name());
                if (earlier)
                    continue;
                Property use = p;
                for (unsigned l = f + 1; l < frags; ++l) {
                    if (!g[l].valid())
                        continue;
                    if (auto q = ov.property(g[l], p.name()); q.ok())
                        use = q.value();
                }
                if (!may_set(mode, p.name()))
                    return false;
                w.property(use.name(), use.data(), use.size());
            }
        }
        // The base's children, each merged with its namesakes in the group and the fragments targeting it.
        if (b.valid()) {
            for (Node c : base.children(b)) {
                Group cg;
                for (unsigned f = 0; f < frags; ++f)
                    cg[f] = targets[f] == c ? bodies[f] : g[f].valid() ? child_named(ov, g[f], base.name(c)) : Node();
                const usize old = push(base.name(c));
                const Mode cm = mode == Mode::New ? Mode::New
                                : (mode == Mode::Root && same(base.name(c), "chosen")) ? Mode::Chosen
                                                                                       : Mode::Locked;
                if (!emit(c, base.name(c), cg, cm, depth + 1))
                    return false;
                pop(old);
            }
        }
        // New children, in the order the fragments first name them.
        for (unsigned f = 0; f < frags; ++f) {
            if (!g[f].valid())
                continue;
            for (Node oc : ov.children(g[f])) {
                const char* cname = ov.name(oc);
                if (b.valid() && child_named(base, b, cname).valid())
                    continue;
                bool earlier = false;
                for (unsigned e = 0; e < f && !earlier; ++e)
                    earlier = g[e].valid() && child_named(ov, g[e], cname).valid();
                if (earlier)
                    continue;
                const usize old = push(cname);
                if (mode == Mode::Locked)
                    return fail(OverlayError::Owned);
                Group cg;
                for (unsigned l = 0; l < frags; ++l)
                    cg[l] = l >= f && g[l].valid() ? child_named(ov, g[l], cname) : Node();
                if (!emit(Node(), cname, cg, Mode::New, depth + 1))
                    return false;
                pop(old);
            }
        }
        w.end_node();
        return true;
    }

    bool fragments() {
        for (Node frag : ov.children(ov.root())) {
            const char* name = ov.name(frag);
            pop(0);
            push(name);  // the fragment's path in the overlay, for messages
            if (same(name, "__fixups__") || same(name, "__local_fixups__") || same(name, "__symbols__"))
                return fail(OverlayError::Phandle);
            if (ov.has_property(frag, "target"))
                return fail(OverlayError::Phandle, "target");
            auto tp = ov.prop_string(frag, "target-path");
            if (!tp.ok())
                return fail(OverlayError::NotFragment, "target-path");
            Node body = child_named(ov, frag, "__overlay__");
            if (!body.valid())
                return fail(OverlayError::NotFragment);
            if (frags == k_frags)
                return fail(OverlayError::TooManyFragments);
            auto t = base.find_path(tp.value());
            if (tp.value()[0] != '/' || !t.ok()) {
                pop(0);
                push(tp.value()[0] == '/' ? tp.value() + 1 : tp.value());  // the missing target, for messages
                return fail(OverlayError::NoTarget, "target-path");
            }
            targets[frags] = t.value();
            bodies[frags] = body;
            ++frags;
        }
        pop(0);
        return true;
    }
};

}  // namespace

const char* overlay_explain(OverlayError e) {
    switch (e) {
    case OverlayError::None: return "applied";
    case OverlayError::BadBase: return "the base device tree is malformed";
    case OverlayError::BadOverlay:
        return "the overlay is not a valid device-tree blob; compile its /plugin/ source with dtc -I dts -O dtb";
    case OverlayError::NotFragment:
        return "every node under the overlay's root must be a fragment with target-path = \"/...\" and an "
               "__overlay__ subnode";
    case OverlayError::Phandle:
        return "phandle references (target = <&label>, __fixups__, __local_fixups__, __symbols__, phandle) are "
               "not supported; use target-path = \"/...\", no labels, and compile without -@";
    case OverlayError::NoTarget:
        return "target-path names no node of the guest's device tree; target an existing node such as \"/\" or "
               "\"/chosen\"";
    case OverlayError::Owned:
        return "the overlay may only add new nodes (not inside generated nodes other than / and /chosen) and "
               "/chosen properties other than linux,initrd-start/-end, rng-seed, kaslr-seed and stdout-path";
    case OverlayError::TooDeep: return "the merged tree nests too deep; flatten the overlay's new nodes";
    case OverlayError::TooManyFragments: return "too many fragments; merge fragments with the same target-path";
    case OverlayError::TooLarge: return "the merged device tree does not fit its size limit; make the overlay smaller";
    }
    return "unknown overlay error";
}

usize apply_overlay(const void* base, usize base_size, const void* overlay, usize overlay_size, void* out,
                    usize cap, OverlayStatus& status) {
    status = OverlayStatus{};
    auto b = Fdt::try_open(base, base_size);
    if (!b.ok()) {
        status.error = OverlayError::BadBase;
        return 0;
    }
    auto o = Fdt::try_open(overlay, overlay_size);
    if (!o.ok()) {
        status.error = OverlayError::BadOverlay;
        return 0;
    }
    Writer w(out, cap);
    Merge m{b.value(), o.value(), w, status, {}, {}};
    if (!m.fragments())
        return 0;
    for (Region r : b.value().reservations())
        w.reserve(r.address, r.size);
    Group g;
    for (unsigned f = 0; f < k_frags; ++f)
        g[f] = f < m.frags && m.targets[f] == b.value().root() ? m.bodies[f] : Node();
    if (!m.emit(b.value().root(), "", g, Mode::Root, 1))
        return 0;
    const usize size = w.finish();
    if (size == 0)
        status.error = OverlayError::TooLarge;
    return size;
}

}  // namespace tn::fdt
