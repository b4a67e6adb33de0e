#pragma once
// Hand-written baselines for the selective-scan benchmarks: the recurrence of
// models::selective_scan (per-state decays, per-operation rounding, sequential order),
//
//   h[s] = a[t,s] * h[s] + b[t,s] * u[t]          (product, product, sum: in this order)
//   y[t] = (...((c[t,0] h[0] + c[t,1] h[1]) + c[t,2] h[2]) ...) + c[t,n-1] h[n-1]
//
// written directly against the C APIs of GMP and MPFR, or in native float, with every number
// allocated once in the constructor (h, y and two temporaries are reused by every run). They are
// what the library's generic code is measured against, and the reference its outputs must equal.
//
// The GMP and MPFR objects are owned by the small RAII arrays below (STYLE: never init/clear by
// hand); inside run() only the C arithmetic functions are called.
#include <gmp.h>
#include <mpfr.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "arith/rational.hpp"
#include "scan_instance.hpp"

namespace freelunch::bench {

// The outputs of a run as exact values, for comparison: value[t] = y[t]; negative_zero[t] tells a
// -0 from a +0 in the floating-point baselines (always false for the exact ones).
// flags, when known, are the sticky flags the computation raised (arith::Flags::bits()).
struct ScanOutputs {
  std::vector<Rational> value;
  std::vector<bool> negative_zero;
  std::optional<unsigned> flags;
};

namespace detail {

class MpqArray {
 public:
  explicit MpqArray(std::size_t size);
  ~MpqArray();
  MpqArray(const MpqArray&) = delete;
  MpqArray& operator=(const MpqArray&) = delete;
  mpq_ptr operator[](std::size_t i) { return &v_[i]; }
  mpq_srcptr operator[](std::size_t i) const { return &v_[i]; }

 private:
  std::vector<__mpq_struct> v_;
};

class MpzArray {
 public:
  explicit MpzArray(std::size_t size);
  ~MpzArray();
  MpzArray(const MpzArray&) = delete;
  MpzArray& operator=(const MpzArray&) = delete;
  mpz_ptr operator[](std::size_t i) { return &v_[i]; }
  mpz_srcptr operator[](std::size_t i) const { return &v_[i]; }

 private:
  std::vector<__mpz_struct> v_;
};

class MpfrArray {
 public:
  MpfrArray(std::size_t size, mpfr_prec_t precision);
  ~MpfrArray();
  MpfrArray(const MpfrArray&) = delete;
  MpfrArray& operator=(const MpfrArray&) = delete;
  mpfr_ptr operator[](std::size_t i) { return &v_[i]; }
  mpfr_srcptr operator[](std::size_t i) const { return &v_[i]; }

 private:
  std::vector<__mpfr_struct> v_;
};

}  // namespace detail

// Canonical GMP rationals (mpq_t): every mpq_mul / mpq_add normalises by a gcd.
class RawMpqScan {
 public:
  explicit RawMpqScan(const ScanInstance& inst);
  void run();
  ScanOutputs outputs() const;

 private:
  std::size_t length_, state_;
  detail::MpqArray a_, b_, c_, u_, h_, y_, tmp_;
};

// Dyadic numbers m 2^e as an mpz_t mantissa and a long exponent, never normalised (no gcd, no
// stripping of trailing zeros): the representation of arith::Dyadic without its temporaries.
class RawDyadicScan {
 public:
  explicit RawDyadicScan(const ScanInstance& inst);  // precondition: every value dyadic
  void run();
  ScanOutputs outputs() const;

 private:
  std::size_t length_, state_;
  detail::MpzArray am_, bm_, cm_, um_, hm_, ym_, tmp_;
  std::vector<long> ae_, be_, ce_, ue_, he_, ye_;
};

// MPFR at a fixed precision, round to nearest even after every operation; inexact is tracked
// from the ternary values.
class RawMpfrScan {
 public:
  RawMpfrScan(const ScanInstance& inst, mpfr_prec_t precision);
  void run();
  ScanOutputs outputs() const;

 private:
  std::size_t length_, state_;
  detail::MpfrArray a_, b_, c_, u_, h_, y_, tmp_;
  bool inexact_ = false;
};

// How the float baselines round each operation's float result.
enum class FloatRounding {
  none,  // native binary32
  fp16,  // to binary16 through the compiler's _Float16 conversion (libgcc, nearest even)
  bf16,  // to bfloat16 by rounding the bit pattern (nearest even)
};

// Native float arithmetic, with the hardware's flags (fenv) for FloatRounding::none. With fp16 or
// bf16 rounding after every operation it is a plain emulation of those formats without flags
// (correct for this instance: every product of two format values is exact in binary32, and
// 24 >= 2p + 2 makes the double rounding of sums innocuous); it is the value reference for the
// library's fp16 and bf16, independent of its binary64 algorithm.
class FloatScan {
 public:
  FloatScan(const ScanInstance& inst, FloatRounding rounding);
  void run();
  ScanOutputs outputs() const;

 private:
  template <class Round>
  void run_with(Round round);

  std::size_t length_, state_;
  FloatRounding rounding_;
  std::vector<float> a_, b_, c_, u_, h_, y_;
  unsigned flags_ = 0;
};

// The library's algorithm for an emulated format (soft_float.hpp: compute in binary64, round the
// bit pattern once, track inexact, underflow and overflow) written by hand for speed: values are
// plain doubles, flags live in local variables, and each time step first runs a rounding without
// data-dependent branches (vectorizable; TwoSum errors and discarded bits OR-ed together for
// inexact) that assumes normal results, then is redone with a careful rounding if that assumption
// failed (subnormal or overflowing results). An estimate of what a restructured SoftFloat kernel
// could cost. Precondition: an IEEE format with 2p + 2 <= 53 whose products are normal doubles
// (fp16, bf16), and no infinity or NaN in the computation.
class HandEmulationScan {
 public:
  HandEmulationScan(const ScanInstance& inst, int exp_bits, int man_bits);
  void run();
  ScanOutputs outputs() const;

  struct Format {
    int man_bits, emin_normal, emax;
    double max_finite, min_normal;
  };

 private:
  std::size_t length_, state_;
  Format fmt_;
  std::vector<double> a_, b_, c_, u_, h_, y_;
  unsigned flags_ = 0;
};

}  // namespace freelunch::bench
