#pragma once
// Parameters of a selective scan (selective_scan.hpp), per position.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "arith/errors.hpp"

namespace freelunch::models {

enum class DecayKind { per_state, scalar };

template <class V>
struct ScanParams {
  std::size_t length = 0;  // N positions
  std::size_t state = 0;   // n state entries
  DecayKind decay_kind = DecayKind::per_state;
  std::vector<V> a;        // N x n (per state) or N (scalar), row-major
  std::vector<V> b;        // N x n
  std::vector<V> c;        // N x n
  std::optional<V> skip;   // D

  const V& decay(std::size_t t, std::size_t s) const { return decay_kind == DecayKind::scalar ? a[t] : a[t * state + s]; }
  const V& key(std::size_t t, std::size_t s) const { return b[t * state + s]; }
  const V& query(std::size_t t, std::size_t s) const { return c[t * state + s]; }

  // Throws UsageError when the shapes disagree.
  void check_shapes() const {
    const std::size_t decays = decay_kind == DecayKind::scalar ? length : length * state;
    if (length == 0 || state == 0) throw UsageError("selective scan needs N >= 1 and n >= 1");
    if (a.size() != decays || b.size() != length * state || c.size() != length * state)
      throw UsageError("selective scan parameters do not match N = " + std::to_string(length) +
                       ", n = " + std::to_string(state));
  }
};

}  // namespace freelunch::models
