#pragma once
#include <tn/types.hpp>
namespace mortise {
/// An emulated MMIO device in a guest's IPA space. Accesses are 1, 2, 4 or 8 bytes at @p offset from the device
/// base; @p vcpu is the index of the accessing vCPU within its guest. Return false for an access the device does not
/// implement: the hypervisor then stops the guest with a report (never touches other guests).
class MmioDevice {
public:
    virtual bool read(unsigned vcpu, u64 offset, unsigned size, u64& value) = 0;
    virtual bool write(unsigned vcpu, u64 offset, unsigned size, u64 value) = 0;
protected:
    ~MmioDevice() = default;
};
}
