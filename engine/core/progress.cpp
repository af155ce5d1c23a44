#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace ntm {

namespace {
int g_forced = -1;  // -1: decide by isatty
bool g_quiet = false;
}  // namespace

void Progress::set_enabled(bool enabled) { g_forced = enabled ? 1 : 0; }

Progress::Progress(std::string label, std::size_t total)
    : m_label(std::move(label)), m_total(total) {
    m_enabled = g_forced == -1 ? (isatty(STDERR_FILENO) != 0 && !g_quiet) : g_forced == 1;
}

Progress::~Progress() { finish(); }

void Progress::advance(std::size_t n) {
    const std::size_t done = m_done.fetch_add(n) + n;
    if (!m_enabled || m_total == 0) return;
    const int percent =
        static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(m_total));
    int last = m_last_percent.load();
    if (percent > last && m_last_percent.compare_exchange_strong(last, percent)) draw(done);
}

void Progress::draw(std::size_t done) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_finished) return;
    std::fprintf(
        stderr, "\r%s: %zu/%zu (%d%%)", m_label.c_str(), done, m_total,
        static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(m_total)));
    std::fflush(stderr);
}

void Progress::finish() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_finished) return;
    m_finished = true;
    if (m_enabled) {
        std::fprintf(stderr, "\r%s: %zu/%zu done\n", m_label.c_str(), m_done.load(), m_total);
    }
}

void set_quiet(bool quiet) { g_quiet = quiet; }

void note(const std::string& message) {
    if (!g_quiet) std::fprintf(stderr, "note: %s\n", message.c_str());
}

void warn(const std::string& message) { std::fprintf(stderr, "warning: %s\n", message.c_str()); }

}  // namespace ntm
