#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace freelunch {

Progress::Progress(std::string label, std::size_t total, bool enabled, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), enabled_(enabled), terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(std::size_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (terminal_) {
    const bool last = done >= total_;
    if ((!last || !shown_) && (elapsed < 1 || now - last_ < std::chrono::milliseconds(200))) return;
  } else if (now - last_ < std::chrono::minutes(1) && !(done >= total_ && (shown_ || elapsed >= 1))) {
    return;
  }
  last_ = now;
  shown_ = true;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
  std::fprintf(stderr, "%s%s: %zu/%zu %s, %.2f/s, %.0f s left%s", terminal_ ? "\r" : "", label_.c_str(), done, total_, unit_.c_str(), rate,
               left, terminal_ ? "   " : "\n");
  std::fflush(stderr);
}

void Progress::finish() {
  if (enabled_ && terminal_ && shown_) std::fprintf(stderr, "\n");
}

}  // namespace freelunch
