#!/usr/bin/python3
"""TenonOS configuration front end over Debian's Kconfiglib.

Every Kconfig operation of the build goes through this one script so that the
same strictness applies everywhere: assigning an undefined symbol, a value
that is not valid for a symbol's type, a value that a `depends on` prevents,
or a `select` of a symbol whose dependencies are unmet is an error naming the
symbol, never a silently different configuration.

Usage (the Makefiles call it; the environment carries srctree, TN_APP_DIR and
TN_BUILD_DIR, which the root Config.uk uses for the app and external libraries):

  tnconfig.py KCONFIG CONFIG defconfig DEFCONFIG_FILE
  tnconfig.py KCONFIG CONFIG olddefconfig
  tnconfig.py KCONFIG CONFIG check
  tnconfig.py KCONFIG CONFIG savedefconfig OUT
  tnconfig.py KCONFIG CONFIG listnewconfig
  tnconfig.py KCONFIG CONFIG set NAME=VALUE [NAME=VALUE ...]
  tnconfig.py KCONFIG CONFIG genconfig HEADER MAKEFRAG DEPDIR
  tnconfig.py KCONFIG CONFIG print-libs LIBNAME=SYMBOL ...
  tnconfig.py KCONFIG CONFIG libdeps MAKEFRAG [BASEDIR ...]
  tnconfig.py KCONFIG CONFIG dephint LIBDIR [DIR=SYMBOL ...] [base=DIR ...] < missing-headers
  tnconfig.py KCONFIG CONFIG menuconfig
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import kconfiglib
except ImportError:
    sys.exit("error: Python module 'kconfiglib' not found for /usr/bin/python3.\n"
             "  Install it with: apt-get install python3-kconfiglib   (or run 'make deps' as root)")
import libdeps


class ConfigError(Exception):
    pass


def load_kconfig(kconfig_file):
    kconf = kconfiglib.Kconfig(kconfig_file, warn_to_stderr=False)
    kconf.warn_assign_undef = True
    kconf.warn_assign_override = False
    kconf.warn_assign_redun = False
    return kconf


def rel(path):
    root = os.environ.get("srctree", "")
    if root and path.startswith(root.rstrip("/") + "/"):
        return path[len(root.rstrip("/")) + 1:]
    return path


def user_value_str(sym):
    uv = sym.user_value
    if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
        return kconfiglib.TRI_TO_STR[uv]
    return str(uv)


def unapplied_assignments(kconf, only=None):
    """Symbols whose assigned value did not survive dependency resolution.

    A configuration file's "# CONFIG_X is not set" overridden by another
    symbol's `select` is ordinary Kconfig behaviour and not reported, unless X
    is in @only (the symbols a user sets explicitly with 'make setconfig')."""
    problems = []
    for sym in kconf.unique_defined_syms:
        if sym.user_value is None or sym.choice is not None:
            continue
        if only is not None and sym.name not in only:
            continue
        wanted = user_value_str(sym)
        got = sym.str_value
        if wanted == got:
            continue
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE) and wanted == "n" and got != "n" \
                and sym.rev_dep is not kconf.n and kconfiglib.expr_value(sym.rev_dep):
            if only is None:
                continue
            selectors = selected_by(kconf, sym)
            problems.append("CONFIG_{}={} cannot be applied: it is selected by {}".format(
                sym.name, wanted, ", ".join("CONFIG_" + s for s in selectors) or "another symbol"))
            continue
        if not sym.visibility and sym.nodes and sym.nodes[0].prompt:
            problems.append("CONFIG_{}={} cannot be applied: it depends on {} (which is n here)".format(
                sym.name, wanted, kconfiglib.expr_str(sym.direct_dep)))
        elif not any(node.prompt for node in sym.nodes):
            problems.append("CONFIG_{}={} cannot be applied: the symbol has no prompt, it is set only by "
                            "defaults and select".format(sym.name, wanted))
        else:
            problems.append("CONFIG_{}={} cannot be applied (resolved to '{}')".format(sym.name, wanted, got))
    for choice in kconf.unique_choices:
        if choice.user_selection is not None and choice.selection is not choice.user_selection:
            problems.append("CONFIG_{}=y cannot be applied: it depends on {}".format(
                choice.user_selection.name, kconfiglib.expr_str(choice.user_selection.direct_dep)))
    return problems


def selected_by(kconf, sym):
    """Names of the enabled symbols whose `select` forces @sym."""
    names = []
    for other in kconf.unique_defined_syms:
        for target, cond in other.selects:
            if target is sym and other.tri_value and kconfiglib.expr_value(cond):
                names.append(other.name)
    return names


def strict_load(kconf, filename, what, drop_removed=False):
    """Loads a configuration file; every warning and unapplied value is an error.
    With drop_removed (a .config the build wrote earlier), a disabled option
    the Kconfig tree no longer has ("# CONFIG_X is not set") is dropped with a
    note instead: the tree was updated since, and nothing depended on it. An
    enabled one stays an error: what it asked for is gone."""
    kconf.warnings.clear()
    kconf.load_config(filename)
    errors = [w for w in kconf.warnings]
    removed = []
    if drop_removed:
        removed = [w for w in errors if "the value 'n' to the undefined symbol" in w]
        for w in removed:
            print("  CONFIG   {}: dropped CONFIG_{} (no longer in the Kconfig tree)".format(
                rel(filename), w.rsplit(" ", 1)[-1]))
        errors = [w for w in errors if w not in removed]
    errors += ["{}: {}".format(rel(filename), p) for p in unapplied_assignments(kconf)]
    check_resolved(kconf)
    errors += [w for w in kconf.warnings if w not in errors and w not in removed]
    if errors:
        hint = ""
        if drop_removed and any("undefined symbol" in w for w in errors):
            hint = ("\n  (an option the Kconfig tree no longer has: if an external library defines it, pass "
                    "its directory with L=dir; otherwise delete its line, or start again from the "
                    "app's defconfig with 'make defconfig')")
        raise ConfigError("{} {}:\n  ".format(what, rel(filename)) + "\n  ".join(errors) + hint)


def check_resolved(kconf):
    """Evaluates every symbol, which makes Kconfiglib record `select` of a symbol
    with unmet direct dependencies as a warning."""
    for sym in kconf.unique_defined_syms:
        sym.str_value


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return False
    except OSError:
        pass
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    return True


def make_fragment(kconf):
    lines = ["# Generated by support/kconfig/tnconfig.py from the resolved configuration.\n",
             "TN_CONFIG_LOADED := y\n"]
    for sym in kconf.unique_defined_syms:
        if not sym.config_string:
            continue
        val = sym.str_value
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE) and val == "n":
            continue
        val = val.replace("$", "$$").replace("#", "\\#")
        lines.append("CONFIG_{} := {}\n".format(sym.name, val))
    return "".join(lines)


def cmd_defconfig(kconf, config, args):
    if len(args) != 1:
        raise ConfigError("defconfig needs a defconfig file")
    defconfig = args[0]
    if not os.path.exists(defconfig):
        raise ConfigError("defconfig file {} does not exist".format(defconfig))
    strict_load(kconf, defconfig, "bad defconfig")
    kconf.write_config(config, save_old=False)
    print("  DEFCONFIG {} -> {}".format(rel(defconfig), rel(config)))


def load_existing(kconf, config):
    if not os.path.exists(config):
        raise ConfigError("{} does not exist: run 'make defconfig' (or 'make menuconfig') first".format(rel(config)))
    strict_load(kconf, config, "bad configuration", drop_removed=True)


def cmd_olddefconfig(kconf, config, args):
    load_existing(kconf, config)
    kconf.write_config(config, save_old=False)


def cmd_check(kconf, config, args):
    load_existing(kconf, config)
    print("  CHECKCONFIG {}: no problems".format(rel(config)))


def cmd_savedefconfig(kconf, config, args):
    load_existing(kconf, config)
    out = args[0]
    kconf.write_min_config(out)
    print("  SAVEDEFCONFIG {}".format(rel(out)))


def cmd_listnewconfig(kconf, config, args):
    if os.path.exists(config):
        kconf.load_config(config)
    for sym in kconf.unique_defined_syms:
        if sym.visibility and sym.config_string and sym.user_value is None and \
                any(node.prompt for node in sym.nodes):
            print(sym.config_string, end="")


def parse_assignment(text):
    if "=" not in text:
        raise ConfigError("'{}' is not NAME=VALUE".format(text))
    name, value = text.split("=", 1)
    if name.startswith("CONFIG_"):
        name = name[len("CONFIG_"):]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return name, value


def cmd_set(kconf, config, args):
    if os.path.exists(config):
        strict_load(kconf, config, "bad configuration", drop_removed=True)
    for text in args:
        name, value = parse_assignment(text)
        sym = kconf.syms.get(name)
        if sym is None or not sym.nodes:
            raise ConfigError("CONFIG_{} is not a symbol of this Kconfig tree".format(name))
        if not sym.set_value(value):
            raise ConfigError("'{}' is not a valid value for CONFIG_{} ({})".format(
                value, name, kconfiglib.TYPE_TO_STR[sym.orig_type]))
    problems = unapplied_assignments(kconf, {parse_assignment(t)[0] for t in args})
    check_resolved(kconf)
    problems += kconf.warnings
    if problems:
        raise ConfigError("cannot set:\n  " + "\n  ".join(problems))
    kconf.write_config(config, save_old=False)
    for text in args:
        name, _ = parse_assignment(text)
        print("  SETCONFIG CONFIG_{}={}".format(name, kconf.syms[name].str_value))


def cmd_genconfig(kconf, config, args):
    header, makefrag, depdir = args
    load_existing(kconf, config)
    kconf.write_config(config, save_old=False)  # normalises a hand-edited file
    os.makedirs(os.path.dirname(header), exist_ok=True)
    kconf.write_autoconf(header)
    write_if_changed(makefrag, make_fragment(kconf))
    os.makedirs(os.path.dirname(depdir.rstrip("/")), exist_ok=True)
    kconf.sync_deps(depdir)


def cmd_print_libs(kconf, config, args):
    load_existing(kconf, config)
    rows = []
    for item in args:
        lib, _, symname = item.partition("=")
        if not symname:
            rows.append((lib, "-", "always built (application or unconditional library)"))
            continue
        sym = kconf.syms.get(symname)
        if sym is None or sym.str_value == "n":
            continue
        selectors = selected_by(kconf, sym)
        if selectors:
            why = "selected by " + ", ".join("CONFIG_" + s for s in selectors)
        elif sym.user_value is not None and sym.visibility:
            why = "enabled in the configuration"
        else:
            why = "enabled by default"
        rows.append((lib, "CONFIG_" + symname, why))
    width = max([len(r[0]) for r in rows] + [7])
    swidth = max([len(r[1]) for r in rows] + [6])
    print("{:<{}}  {:<{}}  {}".format("LIBRARY", width, "SYMBOL", swidth, "WHY"))
    for lib, sym, why in rows:
        print("{:<{}}  {:<{}}  {}".format(lib, width, sym, swidth, why))


def cmd_libdeps(kconf, config, args):
    """Writes the library dependency graph for make; a cycle is an error naming it."""
    makefrag, base = args[0], args[1:]
    graph = libdeps.Graph(kconf, os.environ.get("srctree"), base)
    cycles = graph.cycles()
    if cycles:
        raise ConfigError("\nerror: ".join(graph.cycle_message(c) for c in cycles))
    write_if_changed(makefrag, graph.make_fragment())


def cmd_dephint(kconf, config, args):
    """After a failed compile of library LIBDIR: for each header the compiler did
    not find (read from stdin: the compiler's -M -MG output), names the library it
    belongs to and what to declare or enable so that the library sees it."""
    libdir, entries = os.path.abspath(args[0]), args[1:]
    base = [e[len("base="):] for e in entries if e.startswith("base=")]
    symbol_of = dict(e.split("=", 1) for e in entries if not e.startswith("base="))
    graph = libdeps.Graph(kconf, os.environ.get("srctree"), base)
    if os.path.exists(config):
        kconf.load_config(config)
    missing = [w for w in sys.stdin.read().replace("\\\n", " ").split()
               if not w.endswith(":") and not os.path.isabs(w)]
    mine = symbol_of.get(libdir)
    deps = set(graph.closure(libdir))
    for header in dict.fromkeys(missing):
        owner = graph.header_owner(header, symbol_of)
        if owner is None or owner == libdir:
            continue
        symname = symbol_of.get(owner)
        sym = kconf.syms.get(symname) if symname else None
        what = "{} ({})".format(graph.rel(owner), "CONFIG_" + symname if symname else "no symbol")
        if symname and symbol_of.get(libdir) and owner not in deps:
            print("error: {}: <{}> belongs to library {}, which {} does not depend on.\n"
                  "  Declare the dependency: add 'select {}' (or 'depends on {}') to {} in {}/Config.uk."
                  .format(graph.rel(libdir), header, what, graph.rel(libdir), symname, symname, mine,
                          graph.rel(libdir)), file=sys.stderr)
        elif sym is not None and sym.str_value == "n":
            print("error: {}: <{}> belongs to library {}, which is not enabled in this configuration: "
                  "enable CONFIG_{} (or select it)".format(graph.rel(libdir), header, what, symname),
                  file=sys.stderr)


def cmd_menuconfig(kconf, config, args):
    import menuconfig
    os.environ["KCONFIG_CONFIG"] = config
    if os.path.exists(config):
        kconf.load_config(config)
    menuconfig.menuconfig(kconf)


COMMANDS = {
    "defconfig": cmd_defconfig,
    "olddefconfig": cmd_olddefconfig,
    "check": cmd_check,
    "savedefconfig": cmd_savedefconfig,
    "listnewconfig": cmd_listnewconfig,
    "set": cmd_set,
    "genconfig": cmd_genconfig,
    "print-libs": cmd_print_libs,
    "menuconfig": cmd_menuconfig,
    "libdeps": cmd_libdeps,
    "dephint": cmd_dephint,
}


def main(argv):
    if len(argv) < 4 or argv[3] not in COMMANDS:
        sys.exit(__doc__)
    kconfig_file, config, command, args = argv[1], argv[2], argv[3], argv[4:]
    try:
        kconf = load_kconfig(kconfig_file)
        if kconf.warnings:
            raise ConfigError("the Kconfig tree has problems:\n  " + "\n  ".join(kconf.warnings))
        COMMANDS[command](kconf, config, args)
    except ConfigError as e:
        sys.exit("error: {}".format(e))
    except kconfiglib.KconfigError as e:
        sys.exit("error: Kconfig: {}".format(e))


if __name__ == "__main__":
    main(sys.argv)
