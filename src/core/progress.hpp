#pragma once
// The progress line of long runs, on stderr: rewritten in place on a terminal (at most five
// times a second, and only once a second has passed, so short runs print nothing), otherwise one
// line at most every minute (and at the end, when the run took a second or more). `unit` names what is counted
// ("instances" for sweeps, "tokens" for a chain of thought, "outputs" for a copy).
#include <chrono>
#include <cstddef>
#include <string>

namespace freelunch {

class Progress {
 public:
  Progress(std::string label, std::size_t total, bool enabled, std::string unit = "instances");
  void update(std::size_t done);
  void finish();

 private:
  std::string label_, unit_;
  std::size_t total_;
  bool enabled_;
  bool terminal_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace freelunch
