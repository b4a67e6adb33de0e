#pragma once
// The progress line of long sweeps, on stderr: rewritten in place on a terminal, otherwise one
// line at most every minute (and at the end).
#include <chrono>
#include <cstddef>
#include <string>

namespace freelunch {

class Progress {
 public:
  Progress(std::string label, std::size_t total, bool enabled);
  void update(std::size_t done);
  void finish();

 private:
  std::string label_;
  std::size_t total_;
  bool enabled_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace freelunch
