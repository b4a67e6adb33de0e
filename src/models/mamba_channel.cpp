#include "models/mamba_channel.hpp"

#include <string>

#include "arith/errors.hpp"

namespace freelunch::models {

void validate_channel(const MambaChannel<Rational>& m) {
  if (m.length == 0 || m.state == 0) throw UsageError("Mamba channel needs N >= 1 and n >= 1");
  if (m.delta.size() != m.length || m.A.size() != m.state || m.B.size() != m.length * m.state || m.C.size() != m.length * m.state)
    throw UsageError("Mamba channel shapes disagree with N = " + std::to_string(m.length) + ", n = " + std::to_string(m.state));
  for (std::size_t s = 0; s < m.state; ++s)
    if (!(m.A[s] < 0)) throw UsageError("Mamba channel: A[" + std::to_string(s) + "] = " + to_string(m.A[s]) + " must be negative");
  if (!m.delta_is_preactivation)
    for (std::size_t t = 0; t < m.length; ++t)
      if (!(m.delta[t] > 0))
        throw UsageError("Mamba channel: delta[" + std::to_string(t) + "] = " + to_string(m.delta[t]) + " must be positive (or pass it as a pre-activation)");
}

}  // namespace freelunch::models
