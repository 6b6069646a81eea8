# Inter-VM channels between Tenon guests (test/qemu/ivc-*.test): 'alpha'
# (privileged) and 'beta' share the channel 'ping' and run the script of
# test/apps/ivc-peer; 'gamma' is not a member and must be refused and stopped.
TN_GUESTS := alpha beta gamma
TN_GUEST_alpha_APP := test/apps/ivc-peer
TN_GUEST_alpha_CONFIG := CONFIG_IVC_PEER_ALPHA=y
TN_GUEST_beta_APP := test/apps/ivc-peer
TN_GUEST_beta_CONFIG := CONFIG_IVC_PEER_BETA=y
TN_GUEST_gamma_APP := test/apps/ivc-peer
TN_GUEST_gamma_CONFIG := CONFIG_IVC_PEER_GAMMA=y
