# test/apps/process (EL0 processes) as a Mortise guest: processes inside a
# guest, stage 1 with ASIDs under the hypervisor's stage 2.
TN_GUESTS := proc
TN_GUEST_proc_APP := test/apps/process
