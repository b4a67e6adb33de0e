#pragma once
// RAII owners of FLINT matrices (STYLE: never pair init/clear by hand), shared by the exact
// linear algebra in linalg/. Internal to the library.
#include <flint/flint.h>
#include <flint/fmpq_mat.h>
#include <flint/fmpz_mat.h>

namespace freelunch::linalg::detail {

class FmpqMat {
 public:
  FmpqMat(long r, long c) { fmpq_mat_init(m_, r, c); }
  ~FmpqMat() { fmpq_mat_clear(m_); }
  FmpqMat(const FmpqMat&) = delete;
  FmpqMat& operator=(const FmpqMat&) = delete;
  fmpq_mat_struct* get() { return m_; }

 private:
  fmpq_mat_t m_;
};

class FmpzMat {
 public:
  FmpzMat(long r, long c) { fmpz_mat_init(m_, r, c); }
  ~FmpzMat() { fmpz_mat_clear(m_); }
  FmpzMat(const FmpzMat&) = delete;
  FmpzMat& operator=(const FmpzMat&) = delete;
  fmpz_mat_struct* get() { return m_; }

 private:
  fmpz_mat_t m_;
};

// FLINT caches integer limbs per thread; a worker thread (--jobs) that exits without
// flint_cleanup() loses them, which LeakSanitizer reports. Released at thread exit.
struct FlintThreadCleanup {
  ~FlintThreadCleanup() { flint_cleanup(); }
};

// Registers the cleanup for the calling thread (once per thread).
inline void release_flint_caches_at_thread_exit() { thread_local FlintThreadCleanup cleanup; }

}  // namespace freelunch::linalg::detail
