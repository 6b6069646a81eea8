# Console forging (test/qemu/attack-console-forge.test): 'forger' prints text
# with a newline, CR and ANSI escapes through the emulated PL011 (its console)
# and through console.write; 'hvc' does the same with its console on
# hypercalls. Every line must arrive tagged, the controls shown escaped.
TN_GUESTS := forger hvc
TN_GUEST_forger_APP := test/apps/mortise-ctl
TN_GUEST_forger_CONFIG := CONFIG_MORTISE_CTL_FORGE=y CONFIG_PLAT_MORTISE_GUEST_HVC_CONSOLE=n
TN_GUEST_hvc_APP := test/apps/mortise-ctl
TN_GUEST_hvc_CONFIG := CONFIG_MORTISE_CTL_FORGE=y
