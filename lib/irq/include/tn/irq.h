/**
 * @file
 * @brief C interface to lib/irq: interrupt handlers, configuration, SGIs,
 * local masking and tn_irq_offload().
 *
 * tn/irq.hpp explains the behaviour; each function forwards to the C++ call
 * of the same name (INTIDs, priorities and contexts as there). Functions
 * that can fail return 0 or a negative error code:
 *
 * | code            | meaning (C++ irq::Error) |
 * |-----------------|--------------------------|
 * | -TN_EINVAL      | INTID out of range or of the wrong kind, null handler, bad priority, unknown CPU (OutOfRange, NoHandler, NotSpi, NotSgi, BadPriority, BadCpu) |
 * | -TN_EBUSY       | the INTID already has a handler (AlreadyRegistered) |
 * | -TN_ENOENT      | the INTID has no handler (NotRegistered) |
 * | -TN_ENODEV      | no interrupt controller installed (NoController) |
 * | -TN_EPERM       | the hardware fixes this setting (Unsupported) |
 * | -TN_ETIMEDOUT   | the controller did not respond (Timeout) |
 *
 * Enable with CONFIG_LIBIRQ (the platform's GIC driver selects it).
 */
#ifndef TN_IRQ_H
#define TN_IRQ_H

#include <stdint.h>

#include <tn/errno.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a handler returns (C++ irq::Completion): TN_IRQ_DONE or TN_IRQ_DEFERRED. */
typedef uint8_t tn_irq_completion_t;
/** Priority drop and deactivate when the handler returns. */
#define TN_IRQ_DONE 0
/** Priority drop only; the handler's owner calls tn_irq_deactivate() later. */
#define TN_IRQ_DEFERRED 1

/** One acknowledged interrupt (C++ irq::Event). */
typedef struct tn_irq_event {
    uint32_t intid; /**< The interrupt. */
    uint32_t raw;   /**< The controller's acknowledge value, for tn_irq_deactivate(). */
} tn_irq_event_t;

/** An interrupt handler: runs in IRQ context with IRQs masked; must not block. */
typedef tn_irq_completion_t (*tn_irq_handler_t)(tn_irq_event_t event, void* ctx);

/** How a PPI or SPI signals (C++ irq::Trigger). */
typedef enum tn_irq_trigger {
    TN_IRQ_LEVEL = 0, /**< While the device holds its line. */
    TN_IRQ_EDGE = 1   /**< Once per rising edge. */
} tn_irq_trigger_t;

/** Who receives an SGI (C++ irq::SgiTarget::Mode). */
typedef enum tn_irq_sgi_mode {
    TN_IRQ_SGI_CPU = 0,    /**< The CPU whose MPIDR_EL1 affinity is given. */
    TN_IRQ_SGI_OTHERS = 1, /**< Every CPU but the sender. */
    TN_IRQ_SGI_SELF = 2    /**< The sender. */
} tn_irq_sgi_mode_t;

/**
 * Makes @p handler run, with @p ctx, whenever @p intid is taken. Does not
 * enable the interrupt.
 * @retval 0 registered.
 * @retval -TN_EINVAL @p intid out of range or special, or @p handler is NULL.
 * @retval -TN_EBUSY @p intid has a handler.
 * @context Thread. @blocking No.
 */
int tn_irq_register(uint32_t intid, tn_irq_handler_t handler, void* ctx);

/**
 * Disables @p intid and removes its handler.
 * @retval 0 removed. @retval -TN_EINVAL out of range. @retval -TN_ENOENT no handler.
 * @context Thread. @blocking No.
 */
int tn_irq_unregister(uint32_t intid);

/**
 * Lets @p intid be signalled.
 * @retval 0 enabled. @retval -TN_EINVAL out of range. @retval -TN_ENOENT no
 * handler registered. @retval -TN_ENODEV no controller.
 * @context Thread or IRQ. @blocking No.
 */
int tn_irq_enable(uint32_t intid);

/**
 * Stops @p intid being signalled.
 * @retval 0 disabled. @retval -TN_EINVAL out of range. @retval -TN_ENODEV no controller.
 * @context Thread or IRQ. @blocking No.
 */
int tn_irq_disable(uint32_t intid);

/**
 * Sets the priority of @p intid (lower values are more urgent; below 0xf0).
 * @retval 0 set. @retval -TN_EINVAL out of range or bad priority. @retval -TN_ENODEV no controller.
 * @context Thread, while @p intid is disabled. @blocking No.
 */
int tn_irq_set_priority(uint32_t intid, uint8_t priority);

/**
 * Sets whether @p intid is level- or edge-triggered.
 * @retval 0 set. @retval -TN_EINVAL out of range. @retval -TN_EPERM fixed by
 * the hardware (SGIs are always edge). @retval -TN_ENODEV no controller.
 * @context Thread, while @p intid is disabled. @blocking No.
 */
int tn_irq_set_trigger(uint32_t intid, tn_irq_trigger_t trigger);

/**
 * Routes SPI @p intid to the CPU whose MPIDR_EL1 is @p mpidr.
 * @retval 0 routed. @retval -TN_EINVAL not an SPI, or unknown CPU. @retval -TN_ENODEV no controller.
 * @context Thread. @blocking No.
 */
int tn_irq_set_affinity(uint32_t intid, uint64_t mpidr);

/**
 * Sends SGI @p intid (0-13; 14 and 15 are the kernel's).
 * @param intid the SGI.
 * @param mode who receives it.
 * @param mpidr the target CPU's MPIDR_EL1, for TN_IRQ_SGI_CPU only.
 * @retval 0 sent. @retval -TN_EINVAL not an SGI, or unknown CPU. @retval -TN_ENODEV no controller.
 * @context Thread or IRQ. @blocking No.
 */
int tn_irq_send_sgi(uint32_t intid, tn_irq_sgi_mode_t mode, uint64_t mpidr);

/**
 * Makes PPI or SPI @p intid pending by software.
 * @retval 0 pending. @retval -TN_EINVAL out of range. @retval -TN_EPERM an SGI.
 * @retval -TN_ENODEV no controller.
 * @context Thread or IRQ. @blocking No.
 */
int tn_irq_raise(uint32_t intid);

/**
 * Ends an interrupt whose handler returned TN_IRQ_DEFERRED.
 * @retval 0 deactivated. @retval -TN_EINVAL out of range. @retval -TN_ENODEV no controller.
 * @context Thread or IRQ, on the acknowledging CPU. @blocking No.
 */
int tn_irq_deactivate(tn_irq_event_t event);

/** Unmasks IRQs on the calling CPU. @context Any. */
void tn_irq_local_enable(void);
/** Masks IRQs on the calling CPU. @context Any. */
void tn_irq_local_disable(void);
/** Masks IRQs and returns the previous state for tn_irq_local_restore(). @context Any. */
uint64_t tn_irq_local_save_disable(void);
/** Restores the state @p state from tn_irq_local_save_disable(). @context Any. */
void tn_irq_local_restore(uint64_t state);
/** Nonzero while the calling CPU runs an interrupt handler (or an offloaded routine). @context Any. */
int tn_irq_in_interrupt(void);

/**
 * Runs @p fn(@p arg) at once, in interrupt context, on the calling CPU, as
 * C++ tn::irq::offload() does: IRQs masked, tn_irq_in_interrupt() nonzero
 * inside, and on return the interrupt exit path, so a thread @p fn made ready
 * that is more urgent than the caller runs before tn_irq_offload() returns.
 * Restores the caller's IRQ mask. For tests and benchmarks of handler code.
 * @param fn the routine; must not block.
 * @param arg passed to @p fn.
 * @context Thread or IRQ, IRQs masked or not. @blocking No.
 */
void tn_irq_offload(void (*fn)(void* arg), void* arg);

#ifdef __cplusplus
}
#endif

#endif /* TN_IRQ_H */
