#pragma once
// Progress for long work: a line redrawn on a terminal, silent when stderr is a pipe or a file.
// Thread contract: advance() may be called from any thread; drawing is done by one at a time.
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>

namespace ntm {

class Progress {
 public:
    Progress(std::string label, std::size_t total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void advance(std::size_t n = 1);
    void finish();

    // Forced on or off, for tests; by default on when stderr is a terminal.
    static void set_enabled(bool enabled);

 private:
    void draw(std::size_t done);

    std::string m_label;
    std::size_t m_total;
    std::atomic<std::size_t> m_done{0};
    std::atomic<int> m_last_percent{-1};
    std::mutex m_mutex;
    bool m_enabled;
    bool m_finished = false;
};

// Messages for the user on stderr ("note: …", "warning: …"); quiet mode silences notes.
void note(const std::string& message);
void warn(const std::string& message);
void set_quiet(bool quiet);

}  // namespace ntm
