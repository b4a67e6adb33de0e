#pragma once
// Costs measured by the evaluator, not assumed: multiply-adds executed and numbers held in the
// recurrent state or KV cache (THEORY §3, "Cost accounting").
#include <cstdint>

namespace freelunch::models {

struct Counters {
  std::uint64_t mul_adds = 0;        // multiply-adds (a product and the sum it feeds)
  std::uint64_t state_numbers = 0;   // numbers held in the state / KV cache, at the last step
  std::uint64_t peak_state_numbers = 0;
  void hold(std::uint64_t numbers) {
    state_numbers = numbers;
    if (numbers > peak_state_numbers) peak_state_numbers = numbers;
  }
};

}  // namespace freelunch::models
