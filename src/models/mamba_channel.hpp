#pragma once
// Mamba's parametrization of one channel (THEORY §1.1): the selective scan with
//   a_t[s] = exp(Δ_t A_s),   Δ_t > 0, A_s < 0,
//   b_t[s] = Δ_t B_t[s]                      (Euler, as the mamba_ssm reference scan), or
//   b_t[s] = (exp(Δ_t A_s) - 1) / A_s B_t[s]  (zero-order hold),
//   c_t = C_t, output y_t = c_t · h_t + D u_t, gated output y_t · silu(z_t).
// Δ_t is given after the softplus (MambaChannel::delta) or as the pre-activation, with
// softplus applied here (delta_is_preactivation).
//
// Per-operation order (what a rounded run computes): deltaA = Δ·A, a = exp(deltaA);
// Euler b = Δ·B, and the scan forms (Δ·B)·u, i.e. deltaB_u = Δ·B·u left to right.
#include <cstddef>
#include <optional>
#include <vector>

#include "core/cancel.hpp"
#include "models/selective_scan.hpp"
#include "models/transcendental.hpp"

namespace freelunch::models {

enum class Discretization { euler, zoh };

template <class V>
struct MambaChannel {
  std::size_t length = 0;   // N
  std::size_t state = 0;    // n
  std::vector<V> delta;     // N: Δ_t (or its pre-activation)
  bool delta_is_preactivation = false;
  std::vector<V> A;         // n, negative
  std::vector<V> B;         // N x n
  std::vector<V> C;         // N x n
  std::optional<V> D;
};

// Checks the assumptions of THEORY §1.1 on exact parameters (N, n >= 1, A_s < 0, Δ_t > 0 unless
// Δ is a pre-activation, consistent shapes); a usage error naming the first violation. Call it
// on user-supplied channels before rounding them: ZOH divides by A_s, and a_t = exp(Δ_t A_s)
// is a decay only under these signs.
void validate_channel(const MambaChannel<Rational>& m);

// The discretized scan parameters. Needs exp: a usage error in `exact`.
template <arith::Arithmetic Ar>
ScanParams<typename Ar::value_type> discretize(const Ar& ar, const MambaChannel<typename Ar::value_type>& m, Discretization how) {
  using V = typename Ar::value_type;
  if constexpr (arith::TranscendentalArithmetic<Ar>) {
    if (m.length == 0 || m.state == 0) throw UsageError("Mamba channel needs N >= 1 and n >= 1");
    if (m.delta.size() != m.length || m.A.size() != m.state || m.B.size() != m.length * m.state || m.C.size() != m.length * m.state)
      throw UsageError("Mamba channel shapes disagree with N = " + std::to_string(m.length) + ", n = " + std::to_string(m.state));
    ScanParams<V> p{m.length, m.state, DecayKind::per_state, {}, {}, m.C, m.D};
    for (std::size_t t = 0; t < m.length; ++t) {
      throw_if_cancelled();
      const V dt = m.delta_is_preactivation ? softplus(ar, m.delta[t]) : m.delta[t];
      for (std::size_t s = 0; s < m.state; ++s) {
        const V delta_a = dt * m.A[s];
        V a = ar.exp(delta_a);
        if (how == Discretization::euler) {
          p.b.push_back(dt * m.B[t * m.state + s]);
        } else {
          p.b.push_back((a - ar.from_int(1)) / m.A[s] * m.B[t * m.state + s]);
        }
        p.a.push_back(std::move(a));
      }
    }
    return p;
  } else {
    no_transcendental(ar, "exp(delta*A) in the Mamba discretization");
  }
}

// out_t = y_t · silu(z_t).
template <arith::Arithmetic Ar>
std::vector<typename Ar::value_type> gate(const Ar& ar, std::span<const typename Ar::value_type> y,
                                          std::span<const typename Ar::value_type> z) {
  if (y.size() != z.size()) throw UsageError("gate: y and z lengths differ");
  std::vector<typename Ar::value_type> out;
  for (std::size_t t = 0; t < y.size(); ++t) out.push_back(y[t] * silu(ar, z[t]));
  return out;
}

}  // namespace freelunch::models
