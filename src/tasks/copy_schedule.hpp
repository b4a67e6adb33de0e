#pragma once
// COPY schedules (THEORY §2): a set O of output steps and a source map pos with pos(i) <= i, over
// a sequence of N positions, plus the positions where inputs may be nonzero (full copy and
// reverse feed zeros at their output steps). Positions are 0-based in code, 1-based in text.
#include <cstddef>
#include <cstdint>
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

// Associative recall: key tokens keys[0..K-1] at positions 1..K carry the values (the inputs);
// query q at position K + 1 + q reads the last position whose key token equals queries[q]. pos(i)
// depends on the tokens: a content-dependent schedule (a selective layer's query C_t = W x_t can
// pick the slot of the matching key; a position-only layer cannot). Inputs are zero at the query
// steps. UsageError when a query matches no key.
CopySchedule associative_recall_schedule(const std::vector<long>& keys, const std::vector<long>& queries);
// K pairs with distinct keys drawn from {0..2K-1}, then K queries, each one of the keys, drawn
// from the seed (reproducible: our own mapping of mt19937_64, core/random.hpp).
CopySchedule random_recall_schedule(std::size_t pairs, std::uint64_t seed);

// Parses "shift", "full", "reverse", "distance", "recall" with the sizes given (recall: L pairs
// and L queries from the seed); UsageError otherwise.
CopySchedule make_schedule(const std::string& kind, std::size_t copy_length, std::size_t shift, std::uint64_t seed = 1);

}  // namespace freelunch::tasks
