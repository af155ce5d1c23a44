#include "core/output.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>

#include "core/error.h"

namespace fs = std::filesystem;

namespace ntm {

namespace {

constexpr const char* kTempPrefix = ".ntmsim-tmp-";
constexpr const char* kOldPrefix = ".ntmsim-old-";
constexpr const char* kLockPrefix = ".ntmsim-lock-";

std::string why(int err) { return std::strerror(err); }

// The target as a path whose last part is its name ("out/" → "out").
fs::path normal_target(const std::string& target) {
    if (target.empty()) throw UsageError("the output path is empty; give a file or folder name");
    fs::path p = fs::path(target).lexically_normal();
    if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
    return p;
}

fs::path parent_of(const fs::path& p) {
    return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

// A key naming the target the same way however it was spelt, for the in-process lock registry.
std::string target_key(const fs::path& p) {
    std::error_code ec;
    const fs::path abs = fs::absolute(p, ec);
    const fs::path canon = fs::weakly_canonical(ec ? p : abs, ec);
    return (ec ? p : canon).string();
}

std::mutex g_registry_mutex;
std::map<std::string, int>& registry() {
    static std::map<std::string, int> held;
    return held;
}

std::string kind_word(OutputKind kind) {
    return kind == OutputKind::Folder ? "a folder" : "a file";
}

void fsync_path(const fs::path& p, bool directory, const std::string& target) {
    const int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        throw InputError(target + ": cannot reopen '" + p.filename().string() + "' to flush it (" +
                         why(errno) + ")");
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    // Some file systems cannot flush a folder (EINVAL): that is no loss of data.
    if (rc != 0 && !(directory && (err == EINVAL || err == EROFS))) {
        throw InputError(target + ": flushing '" + p.filename().string() + "' to disk failed (" +
                         why(err) + "); is the disk full? free space and run again");
    }
}

void fsync_tree(const fs::path& p, const std::string& target) {
    if (fs::is_directory(fs::symlink_status(p))) {
        for (const auto& e : fs::directory_iterator(p)) fsync_tree(e.path(), target);
        fsync_path(p, true, target);
    } else if (fs::is_regular_file(fs::symlink_status(p))) {
        fsync_path(p, false, target);
    }
}

// A temporary of a killed run for `name`: ".ntmsim-tmp-PID.HEX-NAME" (the name last, so that
// GDAL sees the extension it chooses a driver's layout by).
bool is_stale_temp(const std::string& entry, const std::string& name) {
    const std::string prefix = kTempPrefix;
    const std::string suffix = "-" + name;
    if (entry.size() <= prefix.size() + suffix.size() || entry.rfind(prefix, 0) != 0) return false;
    if (entry.compare(entry.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    const std::string mid =
        entry.substr(prefix.size(), entry.size() - prefix.size() - suffix.size());
    const auto dot = mid.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == mid.size()) return false;
    for (std::size_t i = 0; i < mid.size(); ++i) {
        const char c = mid[i];
        if (i == dot) continue;
        const bool ok =
            i < dot ? (c >= '0' && c <= '9') : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        if (!ok) return false;
    }
    return true;
}

}  // namespace

void check_output_name(const std::string& name, const std::string& what) {
    std::string bad;
    if (name.empty())
        bad = "is empty";
    else if (name == "." || name == "..")
        bad = "is '" + name + "', which names a folder above or the folder itself";
    else if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
        bad = "holds a path separator";
    else {
        for (const unsigned char c : name)
            if (c < 0x20 || c == 0x7f) bad = "holds a control character";
    }
    if (!bad.empty()) {
        throw UsageError(what + ": the output name '" + name + "' " + bad +
                         "; rename it to a plain name (letters, digits, '-', '_', '.')");
    }
}

void check_output_apart(const std::string& output, const std::vector<std::string>& inputs) {
    std::error_code ec;
    const fs::path out = fs::weakly_canonical(fs::absolute(normal_target(output)), ec);
    if (ec) return;
    const auto inside = [](const fs::path& inner, const fs::path& outer) {
        auto i = inner.begin();
        for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
            if (o->empty()) continue;  // a trailing separator
            if (i == inner.end() || *i != *o) return false;
        }
        return true;
    };
    for (const auto& input : inputs) {
        if (input.empty()) continue;
        const fs::path in = fs::weakly_canonical(fs::absolute(input, ec), ec);
        if (ec || !fs::exists(in, ec)) continue;
        std::string how;
        if (out == in)
            how = "is the input";
        else if (inside(in, out))
            how = "contains the input";
        else if (inside(out, in))
            how = "lies inside the input";
        if (!how.empty()) {
            throw UsageError(
                "the output '" + output + "' " + how + " '" + input +
                "'; writing it would destroy what is being read: choose another output");
        }
    }
}

// The lock: `.ntmsim-lock-NAME` beside the target, held with flock; or, when this process holds
// it already, a second reference to it.
struct OutputReservation::Lock {
    std::string key;
    fs::path file;
    int fd = -1;

    ~Lock() {
        std::lock_guard<std::mutex> guard(g_registry_mutex);
        auto it = registry().find(key);
        if (it != registry().end() && --it->second > 0) return;
        if (it != registry().end()) registry().erase(it);
        if (fd >= 0) {
            // Removed while still held: a run waiting on the old file sees it gone and retries.
            ::unlink(file.c_str());
            ::close(fd);
        }
    }
};

OutputReservation::OutputReservation(const std::string& target, OutputKind kind, bool overwrite) {
    const fs::path t = normal_target(target);
    check_output_name(t.filename().string(), target);
    const fs::path parent = parent_of(t);
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) {
        if (fs::exists(parent, ec))
            throw InputError(target + ": '" + parent.string() +
                             "' is not a folder; choose another output");
        // A result folder's parent (simulate's OUTDIR) is created; a file's folder must exist.
        if (kind != OutputKind::Folder) {
            throw InputError(target + ": the folder '" + parent.string() +
                             "' does not exist; create it first or choose another output");
        }
        fs::create_directories(parent, ec);
        if (ec) {
            throw InputError(target + ": cannot create the folder '" + parent.string() + "' (" +
                             ec.message() + "); create it or choose another output");
        }
    }
    if (::access(parent.c_str(), W_OK | X_OK) != 0) {
        throw InputError(target + ": the folder '" + parent.string() + "' is not writable (" +
                         why(errno) + "); choose another output or change its permissions");
    }
    const std::string name = t.filename().string();
    m_lock = std::make_unique<Lock>();
    m_lock->key = target_key(t);
    m_lock->file = parent / (kLockPrefix + name);
    {
        std::lock_guard<std::mutex> guard(g_registry_mutex);
        auto it = registry().find(m_lock->key);
        if (it != registry().end()) {
            ++it->second;
        } else {
            for (int attempt = 0;; ++attempt) {
                const int fd = ::open(m_lock->file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
                if (fd < 0) {
                    throw InputError(target + ": cannot create the lock file '" +
                                     m_lock->file.string() + "' (" + why(errno) +
                                     "); check that the folder is writable");
                }
                if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
                    const int err = errno;
                    ::close(fd);
                    if (err == EWOULDBLOCK) {
                        throw InputError(target +
                                         ": another ntmsim run is writing this output now (lock '" +
                                         m_lock->file.string() +
                                         "'); wait for it to finish or choose another output");
                    }
                    throw InputError(target + ": cannot lock '" + m_lock->file.string() + "' (" +
                                     why(err) + ")");
                }
                // The file may have been removed by the run that held it just before: lock the new
                // one.
                struct stat held {
                }, now{};
                if (::fstat(fd, &held) == 0 && ::stat(m_lock->file.c_str(), &now) == 0 &&
                    held.st_ino == now.st_ino && held.st_dev == now.st_dev) {
                    m_lock->fd = fd;
                    break;
                }
                ::close(fd);
                if (attempt > 100)
                    throw InputError(target + ": cannot hold the lock '" + m_lock->file.string() +
                                     "'");
            }
            registry()[m_lock->key] = 1;
        }
    }
    // A swap killed between its renames left the old result aside and no target: put it back.
    const fs::path old = parent / (kOldPrefix + name);
    if (fs::exists(fs::symlink_status(old, ec))) {
        if (!fs::exists(fs::symlink_status(t, ec))) {
            fs::rename(old, t, ec);
            if (ec)
                throw InputError(target + ": cannot restore the previous result from '" +
                                 old.string() + "' (" + ec.message() + ")");
        } else {
            fs::remove_all(old, ec);
        }
    }
    for (const auto& e : fs::directory_iterator(parent, ec)) {
        if (is_stale_temp(e.path().filename().string(), name)) fs::remove_all(e.path(), ec);
    }
    const auto st = fs::symlink_status(t, ec);
    if (fs::exists(st)) {
        if (!overwrite)
            throw InputError(target +
                             ": already exists; choose another output or pass --overwrite");
        const bool folder = fs::is_directory(st);
        if (folder != (kind == OutputKind::Folder) || fs::is_symlink(st)) {
            throw InputError(target + ": is " +
                             (fs::is_symlink(st) ? std::string("a link")
                              : folder           ? "a folder"
                                                 : "a file") +
                             " but this output is " + kind_word(kind) +
                             "; --overwrite never replaces one by the other: "
                             "choose another output");
        }
    }
}

OutputReservation::~OutputReservation() = default;
OutputReservation::OutputReservation(OutputReservation&&) noexcept = default;
OutputReservation& OutputReservation::operator=(OutputReservation&&) noexcept = default;

StagedOutput::StagedOutput(const std::string& target, OutputKind kind, bool overwrite)
    : m_target(target),
      m_kind(kind),
      m_overwrite(overwrite),
      m_reservation(target, kind, overwrite) {
    const fs::path t = normal_target(target);
    std::random_device rd;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%08x%08x", rd(), rd());
    m_temp = (parent_of(t) /
              (kTempPrefix + std::to_string(::getpid()) + "." + hex + "-" + t.filename().string()))
                 .string();
    m_write_path = m_temp;
    if (kind != OutputKind::File) {
        std::error_code ec;
        if (!fs::create_directory(m_temp, ec) || ec) {
            throw InputError(target + ": cannot create a temporary folder beside it (" +
                             ec.message() + "); check that the folder is writable and has space");
        }
        if (kind == OutputKind::Sidecars) m_write_path = (fs::path(m_temp) / t.filename()).string();
    }
}

StagedOutput::~StagedOutput() {
    if (!m_done) discard();
}

std::string StagedOutput::path(std::string_view leaf) const {
    return (fs::path(m_temp) / leaf).string();
}

void StagedOutput::discard() noexcept {
    std::error_code ec;
    fs::remove_all(m_temp, ec);
    m_done = true;
}

void StagedOutput::commit() {
    if (m_done) throw Error(ErrorKind::Internal, m_target + ": output committed twice");
    const fs::path t = normal_target(m_target);
    const fs::path parent = parent_of(t);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(m_temp, ec))) {
        discard();
        throw InputError(m_target + ": nothing was written");
    }
    try {
        fsync_tree(m_temp, m_target);
    } catch (...) {
        discard();
        throw;
    }
    test_kill_point("staged");
    const auto fail = [&](const std::string& what, const std::error_code& e) {
        discard();
        throw InputError(m_target + ": " + what + " (" + e.message() +
                         "); the previous result, if any, is left as it was");
    };
    if (m_kind == OutputKind::Sidecars) {
        // The sidecars first, the main file last: a reader never finds the main file without them.
        const std::string main = t.filename().string();
        for (const auto& e : fs::directory_iterator(m_temp)) {
            if (e.path().filename() == main) continue;
            fs::rename(e.path(), parent / e.path().filename(), ec);
            if (ec) fail("cannot move '" + e.path().filename().string() + "' into place", ec);
        }
        fs::rename(fs::path(m_temp) / main, t, ec);
        if (ec) fail("cannot move the finished file into place", ec);
        discard();
    } else if (m_kind == OutputKind::File || !fs::exists(fs::symlink_status(t, ec))) {
        // One rename replaces a file (or creates the target) atomically.
        fs::rename(m_temp, t, ec);
        if (ec) fail("cannot move the finished output into place", ec);
    } else {
        // A folder cannot be renamed over a folder: old aside, new in, old removed. A run killed
        // between the two renames is undone by the next run into this target (see the header).
        const fs::path old = parent / (kOldPrefix + t.filename().string());
        fs::remove_all(old, ec);
        fs::rename(t, old, ec);
        if (ec) fail("cannot move the previous result aside", ec);
        test_kill_point("aside");
        fs::rename(m_temp, t, ec);
        if (ec) {
            std::error_code back;
            fs::rename(old, t, back);
            fail("cannot move the finished output into place", ec);
        }
        test_kill_point("swapped");
        fs::remove_all(old, ec);
    }
    m_done = true;
    try {
        fsync_path(parent, true, m_target);
    } catch (const InputError&) {
        // The rename is done; a folder that cannot be flushed loses nothing a reader can see.
    }
}

void write_all(int fd, const void* data, std::size_t size, const std::string& path) {
    const auto* p = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, p + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            throw InputError(path + ": writing failed (" + why(err) +
                             "); is the disk full? free space and run again");
        }
        done += static_cast<std::size_t>(n);
    }
}

void write_file_atomically(const std::string& path, std::string_view content, bool overwrite) {
    StagedOutput out(path, OutputKind::File, overwrite);
    const int fd = ::open(out.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw InputError(path + ": cannot write (" + why(errno) +
                         "); check that the folder is writable");
    try {
        write_all(fd, content.data(), content.size(), path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0)
        throw InputError(path + ": writing failed (" + why(errno) + "); is the disk full?");
    out.commit();
}

void test_kill_point(const char* point) {
    const char* at = std::getenv("NTM_TEST_KILL_AT");
    if (at && std::strcmp(at, point) == 0) ::raise(SIGKILL);
}

}  // namespace ntm
