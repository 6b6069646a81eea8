// Descriptors: the console, pipes and message queues (docs/processes.md).
//
// A File is shared by every descriptor that refers to it (dup2, spawn's
// 0-2) and counted; the last reference closes it. Data crosses between a
// process and a pipe through a bounce buffer on the kernel stack, so no
// lock is held while the process's memory is read or written.
#include <errno.h>
#include <mqueue.h>
#include <string.h>

#include <tn/console.hpp>

#include "process.hpp"

namespace tn::process {

struct Pipe {
    char* buf = nullptr;  // one page
    u32 head = 0, count = 0;
    u16 readers = 0, writers = 0;
    sched::WaitQueue can_read, can_write;
};

struct File {
    enum class Kind : u8 { Free, Console, PipeRead, PipeWrite, Mq } kind = Kind::Free;
    u32 refs = 0;
    Pipe* pipe = nullptr;
    int mqd = -1;
};

namespace {

constexpr u32 k_pipe_size = 4096;
constexpr usize k_bounce = 256;

File g_console{File::Kind::Console, 1};
File g_files[CONFIG_LIBPROCESS_MAX_FILES];
Pipe g_pipes[CONFIG_LIBPROCESS_MAX_PIPES];

File* new_file(sched::Locked&, File::Kind kind) {
    for (File& f : g_files)
        if (f.kind == File::Kind::Free) {
            f = File{kind, 1};
            return &f;
        }
    return nullptr;
}

// One byte per call: a line discipline is the program's. The wait is in
// slices (the console's own wait would not see a kill).
long console_read(Process& p, u64 ubuf, u64 len) {
    if (len == 0)
        return 0;
    int got;
    while ((got = console::try_getc()) < 0)
        if (!sleep_killable(p, k_poll_ns))
            return -EINTR;
    char c = static_cast<char>(got);
    if (!arch::uspace::copy_user(reinterpret_cast<void*>(ubuf), &c, 1))
        return -EFAULT;
    return 1;
}

long console_write(u64 ubuf, u64 len) {
    char tmp[k_bounce];
    for (u64 done = 0; done < len;) {
        usize n = len - done < k_bounce ? len - done : k_bounce;
        if (!arch::uspace::copy_user(tmp, reinterpret_cast<const void*>(ubuf + done), n))
            return done ? static_cast<long>(done) : -EFAULT;
        console::write(tmp, n);
        done += n;
    }
    return static_cast<long>(len);
}

long pipe_read(Process& p, Pipe& pp, u64 ubuf, u64 len) {
    if (len == 0)
        return 0;
    char tmp[k_bounce];
    usize n;
    {
        sched::Locked l;
        while (pp.count == 0) {
            if (pp.writers == 0)
                return 0;  // end of file
            if (wait_killable(l, p, pp.can_read) == Wait::Killed)
                return -EINTR;
        }
        n = len < k_bounce ? len : k_bounce;
        if (n > pp.count)
            n = pp.count;
        for (usize i = 0; i < n; ++i)
            tmp[i] = pp.buf[(pp.head + i) % k_pipe_size];
        pp.head = (pp.head + n) % k_pipe_size;
        pp.count -= static_cast<u32>(n);
        sched::wake_all(l, pp.can_write);
    }
    if (!arch::uspace::copy_user(reinterpret_cast<void*>(ubuf), tmp, n))
        return -EFAULT;  // the bytes are gone, as a fault in read(2) loses them
    return static_cast<long>(n);
}

long pipe_write(Process& p, Pipe& pp, u64 ubuf, u64 len) {
    char tmp[k_bounce];
    u64 done = 0;
    while (done < len) {
        usize n = len - done < k_bounce ? len - done : k_bounce;
        if (!arch::uspace::copy_user(tmp, reinterpret_cast<const void*>(ubuf + done), n))
            return done ? static_cast<long>(done) : -EFAULT;
        usize put = 0;
        sched::Locked l;
        while (put < n) {
            if (pp.readers == 0)
                return done + put ? static_cast<long>(done + put) : -EPIPE;
            if (pp.count == k_pipe_size) {
                if (wait_killable(l, p, pp.can_write) == Wait::Killed)
                    return done + put ? static_cast<long>(done + put) : -EINTR;
                continue;
            }
            while (put < n && pp.count < k_pipe_size) {
                pp.buf[(pp.head + pp.count) % k_pipe_size] = tmp[put++];
                ++pp.count;
            }
            sched::wake_all(l, pp.can_read);
        }
        done += n;
    }
    return static_cast<long>(len);
}

}  // namespace

File* console_file() { return &g_console; }

File* file_get(File* f) {
    if (f) {
        sched::Locked l;
        ++f->refs;
    }
    return f;
}

void file_put(File* f) {
    if (!f || f == &g_console)
        return;
    Pipe* gone = nullptr;
    int mqd = -1;
    {
        sched::Locked l;
        if (--f->refs)
            return;
        if (Pipe* pp = f->pipe) {
            if (f->kind == File::Kind::PipeRead) {
                --pp->readers;
                sched::wake_all(l, pp->can_write);
            } else {
                --pp->writers;
                sched::wake_all(l, pp->can_read);
            }
            if (pp->readers == 0 && pp->writers == 0)
                gone = pp;
        }
        mqd = f->mqd;
        *f = File{};
    }
    if (gone) {
        free_page(reinterpret_cast<u64>(gone->buf), k_page, nullptr);
        sched::Locked l;
        *gone = Pipe{};
    }
    if (mqd >= 0)
        (void)mq_close(static_cast<mqd_t>(mqd));
}

long file_read(Process& p, File* f, u64 ubuf, u64 len) {
    if (!arch::uspace::in_window(ubuf, len))
        return -EFAULT;
    switch (f->kind) {
    case File::Kind::Console:
        return console_read(p, ubuf, len);
    case File::Kind::PipeRead:
        return pipe_read(p, *f->pipe, ubuf, len);
    default:
        return -EBADF;
    }
}

long file_write(Process& p, File* f, u64 ubuf, u64 len) {
    if (!arch::uspace::in_window(ubuf, len))
        return -EFAULT;
    switch (f->kind) {
    case File::Kind::Console:
        return console_write(ubuf, len);
    case File::Kind::PipeWrite:
        return pipe_write(p, *f->pipe, ubuf, len);
    default:
        return -EBADF;
    }
}

int pipe_create(File* ends[2]) {
    u64 page = alloc_page(nullptr);
    if (!page)
        return -ENOMEM;
    {
        sched::Locked l;
        Pipe* pp = nullptr;
        for (Pipe& q : g_pipes)
            if (!q.buf) {
                pp = &q;
                break;
            }
        File* r = pp ? new_file(l, File::Kind::PipeRead) : nullptr;
        File* w = r ? new_file(l, File::Kind::PipeWrite) : nullptr;
        if (w) {
            *pp = Pipe{};
            pp->buf = reinterpret_cast<char*>(page);
            pp->readers = pp->writers = 1;
            r->pipe = w->pipe = pp;
            ends[0] = r;
            ends[1] = w;
            return 0;
        }
        if (r)
            *r = File{};
    }
    free_page(page, k_page, nullptr);
    return -ENFILE;
}

File* mq_file(int mqd) {
    sched::Locked l;
    File* f = new_file(l, File::Kind::Mq);
    if (f)
        f->mqd = mqd;
    return f;
}

int mq_of(const File* f) { return f && f->kind == File::Kind::Mq ? f->mqd : -1; }

int fd_install(Process& p, File* f) {
    for (unsigned i = 0; i < k_max_fds; ++i)
        if (!p.fds[i]) {
            p.fds[i] = f;
            return static_cast<int>(i);
        }
    file_put(f);
    return -EMFILE;
}

}  // namespace tn::process
