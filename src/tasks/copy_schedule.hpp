#pragma once
// COPY schedules (THEORY §2): a set O of output steps and a source map pos with pos(i) <= i, over
// a sequence of N positions, plus the positions where inputs may be nonzero (full copy and
// reverse feed zeros at their output steps). Positions are 0-based in code, 1-based in text.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace freelunch::tasks {

struct CopySchedule {
  std::string name;                   // "shift k=3 N=16", "full L=8", "reverse L=8", "explicit N=6"
  std::size_t length = 0;             // N
  std::vector<std::size_t> outputs;   // output steps i, ascending
  std::vector<std::size_t> sources;   // pos(i), one per output
  std::vector<bool> input_positions;  // N flags: where inputs may be nonzero

  // Distance i - pos(i) of output number k.
  std::size_t distance(std::size_t k) const { return outputs[k] - sources[k]; }
  std::size_t max_distance() const;
};

// pos(i) = i - k for i = k..N-1; inputs everywhere. Needs N > k.
CopySchedule shift_schedule(std::size_t length, std::size_t k);
// L inputs, then L outputs: pos(L + r) = r; N = 2L; inputs zero at the output steps.
CopySchedule full_copy_schedule(std::size_t copy_length);
// L inputs, then the reverse: pos(L + r) = L - 1 - r; N = 2L.
CopySchedule reverse_schedule(std::size_t copy_length);
// One copy at distance d: N = d + 1, the output at step d + 1 reads position 1, the only input
// (the magnitude cause of T1a in isolation).
CopySchedule distance_schedule(std::size_t distance);
// Any list of (i, pos(i)) with pos(i) <= i < N, distinct outputs; inputs everywhere.
CopySchedule explicit_schedule(std::size_t length, std::vector<std::pair<std::size_t, std::size_t>> pairs);

// Parses "shift", "full", "reverse", "distance" with the sizes given; UsageError otherwise.
CopySchedule make_schedule(const std::string& kind, std::size_t copy_length, std::size_t shift);

}  // namespace freelunch::tasks
