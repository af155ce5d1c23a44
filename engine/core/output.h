#pragma once
// The one way ntmsim writes an output (docs/data-safety.md). Every command's file or folder is
// built under a temporary name unique to the run, beside its target, checked while it is
// written, flushed, and only then swapped in, so that at every instant either the old or the new
// result is whole:
//
//   1. a lock file `.ntmsim-lock-NAME` beside the target is taken (flock, released when the
//      process ends, even by SIGKILL): a second run into the same target fails clearly;
//   2. leftovers of a killed run are tidied: an interrupted swap (target missing, the old result
//      still under `.ntmsim-old-NAME`) is undone, stale temporaries are removed;
//   3. the new result is written to `.ntmsim-tmp-PID.RANDOM-NAME`;
//   4. commit(): the files are flushed to disk (fsync), the old result is renamed aside to
//      `.ntmsim-old-NAME`, the new one renamed in, then the old removed.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ntm {

// A name built from user input (a scenario file's stem, a layer name) that becomes a file or
// folder name: refused when empty, `.`, `..`, or holding a path separator or a control
// character. `what` says where the name came from, for the message.
void check_output_name(const std::string& name, const std::string& what);

// Refuses (UsageError) an output that is, contains, or lies inside one of the inputs, before
// anything is read. Inputs that do not exist are skipped.
void check_output_apart(const std::string& output, const std::vector<std::string>& inputs);

enum class OutputKind {
    File,     // one file
    Folder,   // a folder of files
    Sidecars  // a file with sidecars written beside it (x.shp with x.shx, x.dbf…; x.csv with
              // x.csvt)
};

// What a command checks before it does any work: the parent folder exists (a Folder output's
// parent is created) and is writable,
// the target's kind matches (a folder is never replaced by a file, nor the reverse), an existing
// target is refused unless overwrite, and no other run is writing it. The lock is taken and
// kept until the reservation (or the process) ends; a StagedOutput for the same target in this
// process reuses it.
class OutputReservation {
 public:
    OutputReservation(const std::string& target, OutputKind kind, bool overwrite);
    ~OutputReservation();
    OutputReservation(OutputReservation&&) noexcept;
    OutputReservation& operator=(OutputReservation&&) noexcept;

 private:
    struct Lock;
    std::unique_ptr<Lock> m_lock;
};

class StagedOutput {
 public:
    StagedOutput(const std::string& target, OutputKind kind, bool overwrite);
    // Without commit() the temporary is removed and the target left as it was.
    ~StagedOutput();
    StagedOutput(const StagedOutput&) = delete;
    StagedOutput& operator=(const StagedOutput&) = delete;

    // Where to write: the temporary file (File), the temporary folder (Folder), or for Sidecars
    // the main file's path inside a temporary folder (its sidecars go beside it).
    const std::string& path() const { return m_write_path; }
    // A file inside the temporary folder (Folder).
    std::string path(std::string_view leaf) const;
    const std::string& target() const { return m_target; }

    // Flushes everything to disk and swaps it in; throws InputError naming the target when the
    // disk is full, read-only or the rename fails (the old result is then left whole).
    void commit();

 private:
    void discard() noexcept;
    std::string m_target, m_temp, m_write_path;
    OutputKind m_kind;
    bool m_overwrite;
    bool m_done = false;
    OutputReservation m_reservation;
};

// A whole file with `content`, through a StagedOutput (HTML reports, parameter files…).
void write_file_atomically(const std::string& path, std::string_view content, bool overwrite);

// Writes `size` bytes to a file descriptor, every error checked; throws InputError naming `path`.
void write_all(int fd, const void* data, std::size_t size, const std::string& path);

// Test hook (never a product flag): when the environment variable NTM_TEST_KILL_AT equals
// `point`, the process kills itself with SIGKILL there. Points: "staged" (new result written,
// nothing swapped), "aside" (old result renamed aside, new not yet in), "swapped" (new in, old
// not yet removed).
void test_kill_point(const char* point);

}  // namespace ntm
