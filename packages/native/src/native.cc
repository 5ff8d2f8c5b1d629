// vaekit native kernels: SGEMM (AVX2 + FMA, 6x16 register blocking,
// GotoBLAS-style packing), conv2d as im2col + SGEMM, softmax cross-entropy,
// softplus, sums and a fused Adam update, split across a small persistent
// thread pool (setThreads; one thread by default).
//
// Determinism: every kernel splits its output into disjoint parts (column or row
// panels of C, rows, chunks) and computes each output element with the same
// operations in the same order whatever the thread count, so the results are
// bitwise identical for 1, 2 or n threads.
//
// Every function works on Float32Arrays (typically one view of the whole wasm
// heap, HEAPF32) plus element offsets, so tensors of the tfjs wasm backend are
// read and written in place with no copies.
//
// The AVX2/FMA code is compiled with __attribute__((target)) only; the rest of
// the addon is baseline x86-64 code, so loading it on a CPU without AVX2 is
// safe: supported() tells JS whether to use it at all.
#include <node_api.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#define VAEKIT_X86 1
#include <immintrin.h>
#else
#define VAEKIT_X86 0
#endif

namespace {

// ---------------------------------------------------------------------------
// Thread pool: n-1 std::threads parked on a condition variable (after a short
// spin, so back-to-back kernel calls do not pay a futex wake each), plus the
// calling thread. run(parts, fn) calls fn(c) for each part c in [0, parts),
// parts claimed by whichever thread gets there first, and returns when all have
// finished. A part's work is fixed by its index, never by the thread that runs
// it, so results do not depend on timing. Created once per setThreads, never per
// call.
// ---------------------------------------------------------------------------

inline void cpuRelax() {
#if VAEKIT_X86
  _mm_pause();
#endif
}

class Pool {
 public:
  int threads() const { return n_; }

  void resize(int n) {
    if (n < 1) n = 1;
    if (n == n_) return;
    stop();
    n_ = n;
    quit_ = false;
    // The generation as of now: a worker that starts after the first job was posted still sees it.
    const uint64_t g0 = gen_.load();
    for (int t = 1; t < n; t++) workers_.emplace_back([this, g0] { loop(g0); });
  }

  // fn(c) for every part c in [0, parts), each exactly once, on whichever thread claims it first
  // (the caller included: a worker the OS has not scheduled yet never holds the caller up); returns
  // when all have finished. Runs inline when parts <= 1 or when called from a pool thread.
  template <class F>
  void run(int parts, const F& fn) {
    if (parts <= 1 || n_ <= 1 || inWorker()) {
      for (int c = 0; c < parts; c++) fn(c);
      return;
    }
    Job job{[](const void* f, int c) { (*static_cast<const F*>(f))(c); }, &fn, parts};
    uint64_t g;
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = job;
      g = gen_.load() + 1;
      pending_.store(parts, std::memory_order_relaxed);
      claim_.store((g & 0xffffffffu) << 32, std::memory_order_relaxed);
      gen_.store(g, std::memory_order_release);
    }
    wake_.notify_all();
    inWorker() = true;
    work(job, g);
    inWorker() = false;
    // Parts still running on workers: spin, then park.
    spinUntil([this] { return pending_.load(std::memory_order_acquire) == 0; });
    if (pending_.load(std::memory_order_acquire) != 0) {
      std::unique_lock<std::mutex> lk(mu_);
      done_.wait(lk, [this] { return pending_.load(std::memory_order_acquire) == 0; });
    }
  }

 private:
  struct Job {
    void (*call)(const void*, int) = nullptr;
    const void* fn = nullptr;
    int parts = 0;
  };
  // How long a thread spins before parking: 0.3 ms bridges nearly every gap between two kernels
  // of a training step (JavaScript's dispatch, the tape), which matters on virtual machines where
  // waking a parked thread takes 30-250 us. Measured on the MLP benchmark at 2 threads, 0.3 ms was
  // 4-5% faster than 0.1 ms, and 1 ms was not faster than 0.3 ms.
  static constexpr auto kSpin = std::chrono::microseconds(300);

  // Spins (pause instructions, the clock read every 64) until done() or kSpin has passed; done()'s value.
  template <class P>
  static bool spinUntil(const P& done) {
    const auto end = std::chrono::steady_clock::now() + kSpin;
    for (;;) {
      for (int i = 0; i < 64; i++) {
        if (done()) return true;
        cpuRelax();
      }
      if (std::chrono::steady_clock::now() >= end) return done();
    }
  }

  static bool& inWorker() {
    static thread_local bool in = false;
    return in;
  }

  // Claims and runs parts of generation g until none is left. claim_ holds the generation (high
  // 32 bits) and the next part (low 32), so a late thread can never claim a part of a later job.
  void work(const Job& job, uint64_t g) {
    for (;;) {
      uint64_t v = claim_.load(std::memory_order_acquire);
      for (;;) {
        if ((v >> 32) != (g & 0xffffffffu) || (int)(v & 0xffffffffu) >= job.parts) return;
        if (claim_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) break;
      }
      job.call(job.fn, (int)(v & 0xffffffffu));
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(mu_);
        done_.notify_all();
      }
    }
  }

  void loop(uint64_t seen) {
    inWorker() = true;
    for (;;) {
      spinUntil([&] { return gen_.load(std::memory_order_acquire) != seen || quit_.load(); });
      Job job;
      {
        std::unique_lock<std::mutex> lk(mu_);
        wake_.wait(lk, [&] { return quit_.load() || gen_.load(std::memory_order_acquire) != seen; });
        if (quit_.load()) return;
        seen = gen_.load(std::memory_order_acquire);
        job = job_;
      }
      work(job, seen);
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      quit_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  int n_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::atomic<uint64_t> gen_{0};
  std::atomic<uint64_t> claim_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> quit_{false};
  Job job_;
};

// Never destroyed: parked workers must not be joined from static destructors at exit.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

// Splits [0, n) into `parts` contiguous ranges whose boundaries are multiples of `align`
// (the last range ends at n): range t is [begin(t), begin(t+1)).
struct Split {
  size_t n, align;
  int parts;
  size_t begin(int t) const {
    if (t >= parts) return n;
    const size_t units = (n + align - 1) / align;
    const size_t b = units * (size_t)t / (size_t)parts * align;
    return b < n ? b : n;
  }
};

// How many parts to split `work` units of work into: one per `grain` units, at most twice the
// threads (smaller parts even out the load when a thread is slowed down by other processes).
int partsFor(double work, double grain) {
  const int n = pool().threads();
  if (n <= 1 || work < 2 * grain) return 1;
  const double p = work / grain;
  return p < 2 * n ? (int)p : 2 * n;
}

// Runs fn(b, e) over ranges [b, e) of `rows` rows of `cols` values each, split across the pool
// (one part per `grain` values at most): each row is computed by one part, whatever the split.
template <class F>
void forRows(size_t rows, size_t cols, double grain, const F& fn) {
  const int parts = partsFor((double)rows * cols, grain);
  const Split sp{rows, 1, parts};
  pool().run(parts, [&](int t) {
    const size_t b = sp.begin(t), e = sp.begin(t + 1);
    if (e > b) fn(b, e);
  });
}

// ---------------------------------------------------------------------------
// SGEMM: C[M,N] = op(A)[M,K] * op(B)[K,N] (+ bias[N]), row-major.
//   op(A)(i,k) = transA ? A[k*lda + i] : A[i*lda + k]
//   op(B)(k,j) = transB ? B[j*ldb + k] : B[k*ldb + j]
// ---------------------------------------------------------------------------

constexpr int MR = 6;
constexpr int NR = 16;
constexpr int KC = 256;
constexpr int MC = 120;   // multiple of MR
constexpr int NC = 1024;  // multiple of NR

struct Buffers {
  float* a = nullptr;
  float* b = nullptr;
  Buffers() {
    a = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * MC * KC));
    b = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * KC * NC));
  }
};

// One pair of packing buffers per thread (each thread packs its own panels).
Buffers& buffers() {
  static thread_local Buffers buf;
  return buf;
}

#if VAEKIT_X86
// In-register transpose of 8 rows of 8 floats: out[i] = (r0[i], ..., r7[i]).
__attribute__((target("avx2,fma"))) inline void transpose8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// Copies the kc x w block whose row c (c < w <= 8) is src[c*ld + k], k < kc, transposed into
// dst[k*stride + c], `lanes` (w <= lanes <= 8) values per k: rows from w to lanes are written as
// zeros, nothing beyond.
__attribute__((target("avx2,fma"))) void transposeInto(const float* src, size_t ld, int w, int kc, float* dst,
                                                       int stride, int lanes = 8) {
  int k = 0;
  if (w > 0) {
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (; k + 8 <= kc; k += 8) {
      __m256 r[8];
      for (int c = 0; c < 8; c++) r[c] = c < w ? _mm256_loadu_ps(src + c * ld + k) : _mm256_setzero_ps();
      transpose8(r);
      if (lanes == 8) {
        for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (size_t)(k + i) * stride, r[i]);
      } else {
        for (int i = 0; i < 8; i++) _mm256_maskstore_ps(dst + (size_t)(k + i) * stride, mask, r[i]);
      }
    }
  }
  for (; k < kc; k++) {
    float* d = dst + (size_t)k * stride;
    int c = 0;
    for (; c < w; c++) d[c] = src[c * ld + k];
    for (; c < lanes; c++) d[c] = 0.f;
  }
}

// The same for w <= 4 rows, written as 4 lanes per k.
__attribute__((target("avx2,fma"))) void transpose4Into(const float* src, size_t ld, int w, int kc, float* dst,
                                                        int stride) {
  int k = 0;
  if (w == 4) {
    for (; k + 8 <= kc; k += 8) {
      const __m256 r0 = _mm256_loadu_ps(src + k), r1 = _mm256_loadu_ps(src + ld + k);
      const __m256 r2 = _mm256_loadu_ps(src + 2 * ld + k), r3 = _mm256_loadu_ps(src + 3 * ld + k);
      const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
      const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
      // Lane group h of out_i: (r0, r1, r2, r3)[k + 4h + i].
      const __m256 o0 = _mm256_shuffle_ps(t0, t2, 0x44), o1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      const __m256 o2 = _mm256_shuffle_ps(t1, t3, 0x44), o3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      const __m256 o[4] = {o0, o1, o2, o3};
      for (int i = 0; i < 4; i++) {
        _mm_storeu_ps(dst + (size_t)(k + i) * stride, _mm256_castps256_ps128(o[i]));
        _mm_storeu_ps(dst + (size_t)(k + 4 + i) * stride, _mm256_extractf128_ps(o[i], 1));
      }
    }
  }
  for (; k < kc; k++) {
    float* d = dst + (size_t)k * stride;
    int c = 0;
    for (; c < w; c++) d[c] = src[c * ld + k];
    for (; c < 4; c++) d[c] = 0.f;
  }
}

// Packs op(A)[i0:i0+mc, k0:k0+kc] into MR-row panels: panel p, k, r at
// pa[p*MR*kc + k*MR + r], rows beyond mc zero.
__attribute__((target("avx2,fma"))) void packA(const float* A, int lda, bool transA, int i0, int mc, int k0, int kc,
                                               float* pa) {
  for (int p = 0; p < mc; p += MR) {
    const int rows = mc - p < MR ? mc - p : MR;
    float* dst = pa + static_cast<size_t>(p) * kc;
    if (transA) {
      for (int k = 0; k < kc; k++) {
        const float* src = A + static_cast<size_t>(k0 + k) * lda + i0 + p;
        int r = 0;
        for (; r < rows; r++) dst[k * MR + r] = src[r];
        for (; r < MR; r++) dst[k * MR + r] = 0.f;
      }
    } else {
      transposeInto(A + static_cast<size_t>(i0 + p) * lda + k0, lda, rows, kc, dst, MR, MR);
    }
  }
}

// The transposed case of packB and packB5: op(B) = B^T, so each panel's columns are rows of B,
// copied 8 at a time through in-register transposes into nr-column panels.
__attribute__((target("avx2,fma"))) void packBTransposed(const float* B, int ldb, int k0, int kc, int j0, int nc,
                                                         float* pb, int nr) {
  for (int q = 0; q < nc; q += nr) {
    const int cols = nc - q < nr ? nc - q : nr;
    float* dst = pb + static_cast<size_t>(q) * kc;
    for (int c = 0; c < nr; c += 8) {
      const int w = cols - c < 0 ? 0 : cols - c > 8 ? 8 : cols - c;
      transposeInto(B + static_cast<size_t>(j0 + q + c) * ldb + k0, ldb, w, kc, dst + c, nr);
    }
  }
}

// Packs op(B)[k0:k0+kc, j0:j0+nc] into NR-column panels: panel q, k, c at
// pb[q*NR*kc + k*NR + c], columns beyond nc zero.
__attribute__((target("avx2,fma"))) void packB(const float* B, int ldb, bool transB, int k0, int kc, int j0, int nc,
                                               float* pb) {
  if (!transB) {
    for (int q = 0; q < nc; q += NR) {
      const int cols = nc - q < NR ? nc - q : NR;
      float* dst = pb + static_cast<size_t>(q) * kc;
      for (int k = 0; k < kc; k++) {
        const float* src = B + static_cast<size_t>(k0 + k) * ldb + j0 + q;
        if (cols == NR) {
          _mm256_store_ps(dst + k * NR, _mm256_loadu_ps(src));
          _mm256_store_ps(dst + k * NR + 8, _mm256_loadu_ps(src + 8));
        } else {
          int c = 0;
          for (; c < cols; c++) dst[k * NR + c] = src[c];
          for (; c < NR; c++) dst[k * NR + c] = 0.f;
        }
      }
    }
    return;
  }
  packBTransposed(B, ldb, k0, kc, j0, nc, pb, NR);
}
#endif

#if VAEKIT_X86
// acc = pa-panel (MR x kc) * pb-panel (kc x NR); then C tile (m x n valid)
// = acc (+ bias) when first, else C += acc.
__attribute__((target("avx2,fma"))) void microKernel(int kc, const float* pa, const float* pb, float* C, int ldc, int m,
                                                     int n, bool first, const float* bias) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_load_ps(pb);
    const __m256 b1 = _mm256_load_ps(pb + 8);
    __m256 a;
    a = _mm256_broadcast_ss(pa + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(pa + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(pa + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(pa + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(pa + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(pa + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
    pa += MR;
    pb += NR;
  }
  alignas(32) float tile[MR * NR];
  _mm256_store_ps(tile + 0 * NR, c00); _mm256_store_ps(tile + 0 * NR + 8, c01);
  _mm256_store_ps(tile + 1 * NR, c10); _mm256_store_ps(tile + 1 * NR + 8, c11);
  _mm256_store_ps(tile + 2 * NR, c20); _mm256_store_ps(tile + 2 * NR + 8, c21);
  _mm256_store_ps(tile + 3 * NR, c30); _mm256_store_ps(tile + 3 * NR + 8, c31);
  _mm256_store_ps(tile + 4 * NR, c40); _mm256_store_ps(tile + 4 * NR + 8, c41);
  _mm256_store_ps(tile + 5 * NR, c50); _mm256_store_ps(tile + 5 * NR + 8, c51);
  if (n == NR) {
    const __m256 bias0 = first && bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    const __m256 bias1 = first && bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
    for (int r = 0; r < m; r++) {
      float* crow = C + static_cast<size_t>(r) * ldc;
      __m256 t0 = _mm256_load_ps(tile + r * NR), t1 = _mm256_load_ps(tile + r * NR + 8);
      if (first) {
        _mm256_storeu_ps(crow, _mm256_add_ps(t0, bias0));
        _mm256_storeu_ps(crow + 8, _mm256_add_ps(t1, bias1));
      } else {
        _mm256_storeu_ps(crow, _mm256_add_ps(_mm256_loadu_ps(crow), t0));
        _mm256_storeu_ps(crow + 8, _mm256_add_ps(_mm256_loadu_ps(crow + 8), t1));
      }
    }
  } else {
    for (int r = 0; r < m; r++) {
      float* crow = C + static_cast<size_t>(r) * ldc;
      for (int c = 0; c < n; c++) {
        const float t = tile[r * NR + c];
        crow[c] = first ? (bias ? t + bias[c] : t) : crow[c] + t;
      }
    }
  }
}
#endif

bool cpuSupported() {
#if VAEKIT_X86 && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

// ---------------------------------------------------------------------------
// The AVX-512 SGEMM, used when the CPU has AVX-512F: a 12x32 register block (24 zmm accumulators;
// per k, 24 FMAs of 16 lanes for 2 loads of B and 12 broadcasts of A, where the AVX2 6x16 block
// does 12 FMAs of 8 lanes for 2 + 6: fewer loads and instructions per FLOP). Loop order: for each
// KC slice of K, for each MC block of rows (A packed, transposing on the fly when needed), for
// each NC block of columns (B packed into an L2-sized block), each 12-row panel of A (kept in L1)
// sweeps the 32-column panels of B. Small M with an untransposed B reads B in place (packing it
// would cost more than the few panels that use it).
//
// Each element of C is computed exactly as by the AVX2 kernel: per KC slice an FMA chain over k
// from 0, then C = acc (+ bias) on the first slice, C += acc after; the same KC. So the two paths,
// and any thread count, give the same bits.
// ---------------------------------------------------------------------------

constexpr int MR5 = 12;
constexpr int NR5 = 32;
constexpr int MC5 = 768;  // multiple of MR5
constexpr int NC5 = 512;  // multiple of NR5

#if VAEKIT_X86
struct Buffers5 {
  float* a = nullptr;
  float* b = nullptr;
  Buffers5() {
    // +16 floats: packA stores whole 16-lane vectors at the last k.
    a = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * (MC5 * KC + 16)));
    b = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * KC * NC5));
  }
};

Buffers5& buffers5() {
  static thread_local Buffers5 buf;
  return buf;
}

// Packs op(A)[i0:i0+mc, k0:k0+kc] into 12-row panels: panel p, k, r at pa[p*12*kc + k*12 + r],
// rows beyond mc zero.
__attribute__((target("avx512f,avx2,fma"))) void packA5(const float* A, int lda, bool transA, int i0, int mc, int k0,
                                                        int kc, float* pa, bool prefetch) {
  for (int p = 0; p < mc; p += MR5) {
    const int rows = mc - p < MR5 ? mc - p : MR5;
    float* dst = pa + static_cast<size_t>(p) * kc;
    if (transA) {
      const __mmask16 m = (__mmask16)((1u << rows) - 1);
      for (int k = 0; k < kc; k++) {
        const float* src = A + static_cast<size_t>(k0 + k) * lda + i0 + p;
        // 16 lanes stored, 12 meaningful: the next k overwrites the rest (the buffer has 16 spare floats).
        _mm512_storeu_ps(dst + k * MR5, _mm512_maskz_loadu_ps(m, src));
      }
    } else {
      const float* src = A + static_cast<size_t>(i0 + p) * lda + k0;
      // prefetch (A is large, so mostly out of cache): the next panel's rows are fetched while this
      // one is transposed; each row is only kc floats long here, too short for the hardware
      // prefetcher to get going.
      if (prefetch && p + MR5 < mc) {
        const int next = mc - p - MR5 < MR5 ? mc - p - MR5 : MR5;
        for (int r = 0; r < next; r++) {
          const char* row = reinterpret_cast<const char*>(src + static_cast<size_t>(MR5 + r) * lda);
          for (int off = 0; off < kc * 4; off += 64) _mm_prefetch(row + off, _MM_HINT_T0);
        }
      }
      transposeInto(src, lda, rows < 8 ? rows : 8, kc, dst, MR5);
      transpose4Into(src + static_cast<size_t>(8) * lda, lda, rows > 8 ? rows - 8 : 0, kc, dst + 8, MR5);
    }
  }
}

// Packs op(B)[k0:k0+kc, j0:j0+nc] into 32-column panels: panel q, k, c at pb[q*32*kc + k*32 + c],
// columns beyond nc zero.
__attribute__((target("avx512f,avx2,fma"))) void packB5(const float* B, int ldb, bool transB, int k0, int kc, int j0,
                                                        int nc, float* pb) {
  if (!transB) {
    // Row by row of B (each read front to back, which the hardware prefetcher follows), each row
    // scattered over the panels.
    for (int k = 0; k < kc; k++) {
      const float* src = B + static_cast<size_t>(k0 + k) * ldb + j0;
      float* dst = pb + static_cast<size_t>(k) * NR5;
      int q = 0;
      for (; q + NR5 <= nc; q += NR5) {
        _mm512_store_ps(dst + static_cast<size_t>(q) * kc, _mm512_loadu_ps(src + q));
        _mm512_store_ps(dst + static_cast<size_t>(q) * kc + 16, _mm512_loadu_ps(src + q + 16));
      }
      if (q < nc) {
        const int cols = nc - q;
        const __mmask16 m0 = (__mmask16)(cols >= 16 ? 0xFFFF : (1u << cols) - 1);
        const __mmask16 m1 = (__mmask16)(cols > 16 ? (1u << (cols - 16)) - 1 : 0);
        _mm512_store_ps(dst + static_cast<size_t>(q) * kc, _mm512_maskz_loadu_ps(m0, src + q));
        _mm512_store_ps(dst + static_cast<size_t>(q) * kc + 16, _mm512_maskz_loadu_ps(m1, src + q + 16));
      }
    }
    return;
  }
  packBTransposed(B, ldb, k0, kc, j0, nc, pb, NR5);
}

// acc = A panel (R of its 12 rows) x B panel (kc x 32, row k at pb + k*bstep; Masked: read with
// masks m0, m1 as B is not packed), then C tile (R x the columns in m0, m1) = acc (+ bias) when
// first, else C += acc. prefetchC: fetch the C tile first (when C is too large to stay in cache).
// Half: the tile's columns all lie in its first 16 (m1 is 0): only those are computed, at half the
// FMAs (the last panel of an N that is 16 more than a multiple of 32, such as 400 or 784).
template <int R, bool Masked, bool Half>
__attribute__((target("avx512f"))) void kernel5(int kc, const float* pa, const float* pb, size_t bstep, float* C,
                                                int ldc, __mmask16 m0, __mmask16 m1, bool first, const float* bias,
                                                bool prefetchC) {
  __m512 c0[R], c1[R];
#pragma GCC unroll 12
  for (int r = 0; r < R; r++) c0[r] = c1[r] = _mm512_setzero_ps();
  if (prefetchC) {
    // The C tile's lines (2 or 3 per row), fetched now so they are there when the tile is written.
#pragma GCC unroll 12
    for (int r = 0; r < R; r++) {
      const char* crow = reinterpret_cast<const char*>(C + static_cast<size_t>(r) * ldc);
      _mm_prefetch(crow, _MM_HINT_T0);
      _mm_prefetch(crow + 64, _MM_HINT_T0);
      _mm_prefetch(crow + 124, _MM_HINT_T0);
    }
  }
  for (int k = 0; k < kc; k++) {
    const __m512 b0 = Masked ? _mm512_maskz_loadu_ps(m0, pb) : _mm512_load_ps(pb);
    if (Half) {
#pragma GCC unroll 12
      for (int r = 0; r < R; r++) c0[r] = _mm512_fmadd_ps(_mm512_set1_ps(pa[r]), b0, c0[r]);
    } else {
      const __m512 b1 = Masked ? _mm512_maskz_loadu_ps(m1, pb + 16) : _mm512_load_ps(pb + 16);
#pragma GCC unroll 12
      for (int r = 0; r < R; r++) {
        const __m512 a = _mm512_set1_ps(pa[r]);
        c0[r] = _mm512_fmadd_ps(a, b0, c0[r]);
        c1[r] = _mm512_fmadd_ps(a, b1, c1[r]);
      }
    }
    pa += MR5;
    pb += bstep;
  }
  if (first) {
    const __m512 bias0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
    const __m512 bias1 = bias && !Half ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
#pragma GCC unroll 12
    for (int r = 0; r < R; r++) {
      float* crow = C + static_cast<size_t>(r) * ldc;
      _mm512_mask_storeu_ps(crow, m0, bias ? _mm512_add_ps(c0[r], bias0) : c0[r]);
      if (!Half) _mm512_mask_storeu_ps(crow + 16, m1, bias ? _mm512_add_ps(c1[r], bias1) : c1[r]);
    }
  } else {
#pragma GCC unroll 12
    for (int r = 0; r < R; r++) {
      float* crow = C + static_cast<size_t>(r) * ldc;
      _mm512_mask_storeu_ps(crow, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, crow), c0[r]));
      if (!Half) _mm512_mask_storeu_ps(crow + 16, m1, _mm512_add_ps(_mm512_maskz_loadu_ps(m1, crow + 16), c1[r]));
    }
  }
}

template <bool Masked>
void kernel5For(int m, int kc, const float* pa, const float* pb, size_t bstep, float* C, int ldc, __mmask16 m0,
                __mmask16 m1, bool first, const float* bias, bool prefetchC) {
  const bool half = m1 == 0;
  switch (m) {
#define VAEKIT_K5(R)                                                                      \
  case R:                                                                                 \
    if (half) kernel5<R, Masked, true>(kc, pa, pb, bstep, C, ldc, m0, m1, first, bias, prefetchC); \
    else kernel5<R, Masked, false>(kc, pa, pb, bstep, C, ldc, m0, m1, first, bias, prefetchC);     \
    break;
    VAEKIT_K5(1) VAEKIT_K5(2) VAEKIT_K5(3) VAEKIT_K5(4) VAEKIT_K5(5) VAEKIT_K5(6)
    VAEKIT_K5(7) VAEKIT_K5(8) VAEKIT_K5(9) VAEKIT_K5(10) VAEKIT_K5(11) VAEKIT_K5(12)
#undef VAEKIT_K5
    default: break;
  }
}

// One thread's AVX-512 SGEMM over the whole of C (K > 0).
void sgemmSerial5(int M, int N, int K, const float* A, int lda, bool transA, const float* B, int ldb, bool transB,
                  float* C, int ldc, const float* bias, bool accumulate) {
  Buffers5& buf = buffers5();
  // B is read in place when few A panels share it and its rows are contiguous along N.
  const bool packB = transB || M > 4 * MR5;
  // A C larger than L2 is mostly out of cache when its tiles are written: the kernel prefetches
  // them, unless K is so short that the prefetches would not be done in time and only cost.
  const bool coldC = (double)M * N * sizeof(float) > (1 << 20) && K >= 128;
  const bool coldA = (double)M * K * sizeof(float) > (1 << 20);
  for (int pc = 0; pc < K; pc += KC) {
    const int kc = K - pc < KC ? K - pc : KC;
    const bool first = pc == 0 && !accumulate;
    for (int ic = 0; ic < M; ic += MC5) {
      const int mc = M - ic < MC5 ? M - ic : MC5;
      packA5(A, lda, transA, ic, mc, pc, kc, buf.a, coldA);
      for (int jc = 0; jc < N; jc += NC5) {
        const int nc = N - jc < NC5 ? N - jc : NC5;
        if (packB) packB5(B, ldb, transB, pc, kc, jc, nc, buf.b);
        // One 12 x 32 tile of C. Few A panels (small M, as in a recurrent step): each B panel is
        // swept by all of them while it is in L1 (B panel outer); else each A panel, kept in L1,
        // sweeps the B panels. Each tile is computed the same way in either order.
        auto tile = [&](int ir, int jr) {
          const int m = mc - ir < MR5 ? mc - ir : MR5;
          const float* pa = buf.a + static_cast<size_t>(ir) * kc;
          float* crow = C + static_cast<size_t>(ic + ir) * ldc + jc;
          const int n = nc - jr < NR5 ? nc - jr : NR5;
          const __mmask16 m0 = (__mmask16)(n >= 16 ? 0xFFFF : (1u << n) - 1);
          const __mmask16 m1 = (__mmask16)(n >= 32 ? 0xFFFF : n > 16 ? (1u << (n - 16)) - 1 : 0);
          const float* bj = bias ? bias + jc + jr : nullptr;
          if (packB) {
            kernel5For<false>(m, kc, pa, buf.b + static_cast<size_t>(jr) * kc, NR5, crow + jr, ldc, m0, m1, first, bj,
                              coldC);
          } else {
            kernel5For<true>(m, kc, pa, B + static_cast<size_t>(pc) * ldb + jc + jr, (size_t)ldb, crow + jr, ldc, m0, m1,
                             first, bj, coldC);
          }
        };
        if (mc <= 4 * MR5) {
          for (int jr = 0; jr < nc; jr += NR5)
            for (int ir = 0; ir < mc; ir += MR5) tile(ir, jr);
        } else {
          for (int ir = 0; ir < mc; ir += MR5)
            for (int jr = 0; jr < nc; jr += NR5) tile(ir, jr);
        }
      }
    }
  }
}
#endif

bool avx512Supported() {
#if VAEKIT_X86 && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

// Whether SGEMM takes the AVX-512 path: the CPU has AVX-512F and VAEKIT_NATIVE_AVX512 is not 0.
bool useAvx512() {
  static const bool use = [] {
    const char* env = std::getenv("VAEKIT_NATIVE_AVX512");
    if (env && (std::strcmp(env, "0") == 0 || std::strcmp(env, "false") == 0 || std::strcmp(env, "off") == 0))
      return false;
    return avx512Supported();
  }();
  return use;
}

// One thread's SGEMM over the whole of C.
void sgemmSerial(int M, int N, int K, const float* A, int lda, bool transA, const float* B, int ldb, bool transB,
                 float* C, int ldc, const float* bias, bool accumulate) {
#if VAEKIT_X86
  if (K == 0) {
    if (accumulate) return;
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) C[static_cast<size_t>(i) * ldc + j] = bias ? bias[j] : 0.f;
    return;
  }
  if (useAvx512()) {
    sgemmSerial5(M, N, K, A, lda, transA, B, ldb, transB, C, ldc, bias, accumulate);
    return;
  }
  Buffers& buf = buffers();
  for (int jc = 0; jc < N; jc += NC) {
    const int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      const int kc = K - pc < KC ? K - pc : KC;
      const bool first = pc == 0 && !accumulate;
      packB(B, ldb, transB, pc, kc, jc, nc, buf.b);
      for (int ic = 0; ic < M; ic += MC) {
        const int mc = M - ic < MC ? M - ic : MC;
        packA(A, lda, transA, ic, mc, pc, kc, buf.a);
        for (int jr = 0; jr < nc; jr += NR) {
          const int n = nc - jr < NR ? nc - jr : NR;
          const float* pb = buf.b + static_cast<size_t>(jr) * kc;
          const float* bj = bias ? bias + jc + jr : nullptr;
          for (int ir = 0; ir < mc; ir += MR) {
            const int m = mc - ir < MR ? mc - ir : MR;
            microKernel(kc, buf.a + static_cast<size_t>(ir) * kc, pb, C + static_cast<size_t>(ic + ir) * ldc + jc + jr,
                        ldc, m, n, first, bj);
          }
        }
      }
    }
  }
#endif
}

// One SGEMM's panels across `parts` parts: C is split into column panels (multiples of NR) when it
// is at least as wide as it is tall, else into row panels (multiples of MR); part t computes its
// panel with one thread's SGEMM, packing its own panels of A and B. Every element of C is the
// same sum in the same order as on one thread.
struct GemmSplit {
  int M, N, K;
  const float* A;
  int lda;
  bool transA;
  const float* B;
  int ldb;
  bool transB;
  float* C;
  int ldc;
  const float* bias;
  bool accumulate;
  int parts;
  void run(int t) const {
    const bool wide = useAvx512();
    if (N >= M) {
      const Split sp{(size_t)N, (size_t)(wide ? NR5 : NR), parts};
      const int j0 = (int)sp.begin(t), j1 = (int)sp.begin(t + 1);
      if (j1 <= j0) return;
      const float* Bt = transB ? B + (size_t)j0 * ldb : B + j0;
      sgemmSerial(M, j1 - j0, K, A, lda, transA, Bt, ldb, transB, C + j0, ldc, bias ? bias + j0 : nullptr, accumulate);
    } else {
      const Split sp{(size_t)M, (size_t)(wide ? MR5 : MR), parts};
      const int i0 = (int)sp.begin(t), i1 = (int)sp.begin(t + 1);
      if (i1 <= i0) return;
      const float* At = transA ? A + i0 : A + (size_t)i0 * lda;
      sgemmSerial(i1 - i0, N, K, At, lda, transA, B, ldb, transB, C + (size_t)i0 * ldc, ldc, bias, accumulate);
    }
  }
};

// Across the pool, as GemmSplit's panels.
void sgemm(int M, int N, int K, const float* A, int lda, bool transA, const float* B, int ldb, bool transB, float* C,
           int ldc, const float* bias, bool accumulate = false) {
  // Small products too (2 MFLOP: the 20-wide layers of a VAE) are split; never into more parts
  // than threads, as each part packs its own copy of the shared operand.
  const int parts = std::min(partsFor(2.0 * M * N * (K > 0 ? K : 1), 1.0e6), pool().threads());
  if (parts <= 1) {
    sgemmSerial(M, N, K, A, lda, transA, B, ldb, transB, C, ldc, bias, accumulate);
    return;
  }
  const GemmSplit split{M, N, K, A, lda, transA, B, ldb, transB, C, ldc, bias, accumulate, parts};
  pool().run(parts, [&](int t) { split.run(t); });
}


#if VAEKIT_X86
// 8 lanes at a time, the same float32 operations in the same order as the scalar loop
// (mul, add, div and sqrt are exactly rounded, no FMA): bit-identical results.
__attribute__((target("avx2,fma"))) size_t adamAvx(size_t n, const float* x, const float* m, const float* v,
                                                   const float* g, float* xo, float* mo, float* vo, float b1, float b2,
                                                   float omb1, float omb2, float eps, float c1, float c2, float nlr,
                                                   float gs) {
  const __m256 B1 = _mm256_set1_ps(b1), B2 = _mm256_set1_ps(b2), O1 = _mm256_set1_ps(omb1), O2 = _mm256_set1_ps(omb2);
  const __m256 E = _mm256_set1_ps(eps), C1 = _mm256_set1_ps(c1), C2 = _mm256_set1_ps(c2), L = _mm256_set1_ps(nlr);
  const __m256 GS = _mm256_set1_ps(gs);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 gi = _mm256_mul_ps(_mm256_loadu_ps(g + i), GS);
    const __m256 mn = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), B1), _mm256_mul_ps(gi, O1));
    const __m256 vn = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), B2), _mm256_mul_ps(_mm256_mul_ps(gi, gi), O2));
    const __m256 den = _mm256_add_ps(_mm256_sqrt_ps(_mm256_div_ps(vn, C2)), E);
    const __m256 q = _mm256_div_ps(_mm256_div_ps(mn, C1), den);
    const __m256 xn = _mm256_add_ps(_mm256_mul_ps(q, L), _mm256_loadu_ps(x + i));
    _mm256_storeu_ps(xo + i, xn);
    _mm256_storeu_ps(mo + i, mn);
    _mm256_storeu_ps(vo + i, vn);
  }
  return i;
}

// exp(x) for x in [-88, 88] (Cephes expf: ~1 ulp).
__attribute__((target("avx2,fma"))) inline __m256 expAvx(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-88.3762626647949f)), _mm256_set1_ps(88.3762626647949f));
  __m256 fx = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 y = _mm256_set1_ps(1.9875691500E-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
  y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

// log(x) for positive normal x (Cephes logf: ~1 ulp).
__attribute__((target("avx2,fma"))) inline __m256 logAvx(__m256 x) {
  const __m256i bits = _mm256_castps_si256(x);
  __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(126)));
  __m256 mnt = _mm256_castsi256_ps(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007FFFFF)), _mm256_set1_epi32(0x3F000000)));
  const __m256 small = _mm256_cmp_ps(mnt, _mm256_set1_ps(0.707106781186547524f), _CMP_LT_OQ);
  e = _mm256_sub_ps(e, _mm256_and_ps(small, _mm256_set1_ps(1.f)));
  mnt = _mm256_add_ps(_mm256_sub_ps(mnt, _mm256_set1_ps(1.f)), _mm256_and_ps(small, mnt));
  const __m256 z = _mm256_mul_ps(mnt, mnt);
  __m256 y = _mm256_set1_ps(7.0376836292E-2f);
  y = _mm256_fmadd_ps(y, mnt, _mm256_set1_ps(-1.1514610310E-1f));
  y = _mm256_fmadd_ps(y, mnt, _mm256_set1_ps(1.1676998740E-1f));
  y = _mm256_fmadd_ps(y, mnt, _mm256_set1_ps(-1.2420140846E-1f));
  y = _mm256_fmadd_ps(y, mnt, _mm256_set1_ps(1.4249322787E-1f));
  y = _mm256_fmadd_ps(y, mnt, _mm256_set1_ps(-1.6668057665E-1f));
  y = _mm256_fmadd_ps(y, mnt, _mm256_set1_ps(2.0000714765E-1f));
  y = _mm256_fmadd_ps(y, mnt, _mm256_set1_ps(-2.4999993993E-1f));
  y = _mm256_fmadd_ps(y, mnt, _mm256_set1_ps(3.3333331174E-1f));
  y = _mm256_mul_ps(_mm256_mul_ps(y, mnt), z);
  y = _mm256_fmadd_ps(e, _mm256_set1_ps(-2.12194440e-4f), y);
  y = _mm256_fnmadd_ps(_mm256_set1_ps(0.5f), z, y);
  return _mm256_fmadd_ps(e, _mm256_set1_ps(0.693359375f), _mm256_add_ps(mnt, y));
}

// Horizontal max and sum of 8 lanes.
__attribute__((target("avx2,fma"))) inline float hmaxAvx(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}
__attribute__((target("avx2,fma"))) inline double hsumAvx(__m256 v) {
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, v);
  double s = 0;
  for (float x : lanes) s += x;
  return s;
}

// Softmax cross-entropy of rows of logits [N, V] against int32 targets [N] with weights [N]:
// probs[r] = softmax(logits[r]), loss[r] = w[r] · (logsumexp(logits[r]) − logits[r][t[r]]).
// A row of weight 0 (padding) gets loss 0 and probs 0 without computing its softmax.
__attribute__((target("avx2,fma"))) void softmaxXentRows(int N, int V, const float* logits, const int32_t* targets,
                                                     const float* w, float* loss, float* probs) {
  for (int r = 0; r < N; r++) {
    const float* x = logits + (size_t)r * V;
    float* p = probs + (size_t)r * V;
    if (w[r] == 0.f) {
      std::memset(p, 0, sizeof(float) * V);
      loss[r] = 0.f;
      continue;
    }
    int i = 0;
    __m256 vm = _mm256_set1_ps(-INFINITY);
    for (; i + 8 <= V; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + i));
    float m = hmaxAvx(vm);
    for (; i < V; i++) m = std::max(m, x[i]);
    const __m256 bm = _mm256_set1_ps(m);
    __m256 vs = _mm256_setzero_ps();
    i = 0;
    for (; i + 8 <= V; i += 8) {
      const __m256 e = expAvx(_mm256_sub_ps(_mm256_loadu_ps(x + i), bm));
      _mm256_storeu_ps(p + i, e);
      vs = _mm256_add_ps(vs, e);
    }
    double s = hsumAvx(vs);
    for (; i < V; i++) s += p[i] = std::exp(x[i] - m);
    const float inv = (float)(1.0 / s);
    const __m256 bi = _mm256_set1_ps(inv);
    i = 0;
    for (; i + 8 <= V; i += 8) _mm256_storeu_ps(p + i, _mm256_mul_ps(_mm256_loadu_ps(p + i), bi));
    for (; i < V; i++) p[i] *= inv;
    const int t = targets[r];
    const float picked = (t >= 0 && t < V) ? x[t] : m;
    loss[r] = (float)(w[r] * (std::log(s) + (double)m - (double)picked));
  }
}

// Its gradient: grad[r] = scale[r] · (probs[r] − onehot(t[r])).
__attribute__((target("avx2,fma"))) void softmaxXentGradRows(int N, int V, const float* probs, const int32_t* targets,
                                                         const float* scale, float* grad) {
  for (int r = 0; r < N; r++) {
    const float* p = probs + (size_t)r * V;
    float* g = grad + (size_t)r * V;
    const float c = scale[r];
    if (c == 0.f) {
      std::memset(g, 0, sizeof(float) * V);
      continue;
    }
    const __m256 bc = _mm256_set1_ps(c);
    int i = 0;
    for (; i + 8 <= V; i += 8) _mm256_storeu_ps(g + i, _mm256_mul_ps(_mm256_loadu_ps(p + i), bc));
    for (; i < V; i++) g[i] = p[i] * c;
    const int t = targets[r];
    if (t >= 0 && t < V) g[t] -= c;
  }
}

// Both across the pool by rows.
void softmaxXent(int N, int V, const float* logits, const int32_t* targets, const float* w, float* loss, float* probs) {
  forRows(N, V, 1 << 15, [&](size_t b, size_t e) {
    softmaxXentRows((int)(e - b), V, logits + b * V, targets + b, w + b, loss + b, probs + b * V);
  });
}

void softmaxXentGrad(int N, int V, const float* probs, const int32_t* targets, const float* scale, float* grad) {
  forRows(N, V, 1 << 15, [&](size_t b, size_t e) {
    softmaxXentGradRows((int)(e - b), V, probs + b * V, targets + b, scale + b, grad + b * V);
  });
}

// softplus as tfjs defines it: x above -t, exp(x) below t, else log(1 + exp(x)), with
// t = log(FLT_EPSILON) + 2; log1p(e) as log(u) + (e - (u - 1)) / u, u = 1 + e (accurate for small e).
__attribute__((target("avx2,fma"))) inline __m256 softplus8(__m256 xi) {
  const float t = -13.942385152878742f;
  const __m256 lo = _mm256_set1_ps(t), hi = _mm256_set1_ps(-t), one = _mm256_set1_ps(1.f);
  const __m256 e = expAvx(xi);
  const __m256 u = _mm256_add_ps(one, e);
  const __m256 corr = _mm256_div_ps(_mm256_sub_ps(e, _mm256_sub_ps(u, one)), u);
  __m256 r = _mm256_add_ps(logAvx(u), corr);
  r = _mm256_blendv_ps(r, e, _mm256_cmp_ps(xi, lo, _CMP_LT_OQ));
  return _mm256_blendv_ps(r, xi, _mm256_cmp_ps(xi, hi, _CMP_GT_OQ));
}

__attribute__((target("avx2,fma"))) size_t softplusAvx(size_t n, const float* x, float* y) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, softplus8(_mm256_loadu_ps(x + i)));
  return i;
}

#else
size_t adamAvx(size_t, const float*, const float*, const float*, const float*, float*, float*, float*, float, float,
               float, float, float, float, float, float, float) { return 0; }
size_t softplusAvx(size_t, const float*, float*) { return 0; }
#endif

// softplus of one value in double (tfjs's thresholds), for the elements after the AVX2 loops.
inline float softplus1(float x) {
  const double t = std::log(1.1920928955078125e-7) + 2.0;
  const double xi = x;
  return (float)(xi > -t ? xi : xi < t ? std::exp(xi) : std::log1p(std::exp(xi)));
}

#if VAEKIT_X86
// The Bernoulli negative log-likelihood of rows of data x [B, D] under logits l [B, D]:
// nll[b] = Σ_d softplus(l) − x·l, each term in float32 as tfjs computes softplus(l), x·l and their
// difference, summed in double; and its gradient g = dy[b] · (sigmoid(l) − x).
__attribute__((target("avx2,fma"))) void bernoulliNllRows(int B, int D, const float* l, const float* x, float* nll) {
  for (int b = 0; b < B; b++) {
    const float* lr = l + (size_t)b * D;
    const float* xr = x + (size_t)b * D;
    __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
    int d = 0;
    for (; d + 8 <= D; d += 8) {
      const __m256 li = _mm256_loadu_ps(lr + d);
      const __m256 t = _mm256_sub_ps(softplus8(li), _mm256_mul_ps(_mm256_loadu_ps(xr + d), li));
      a0 = _mm256_add_pd(a0, _mm256_cvtps_pd(_mm256_castps256_ps128(t)));
      a1 = _mm256_add_pd(a1, _mm256_cvtps_pd(_mm256_extractf128_ps(t, 1)));
    }
    alignas(32) double acc[4];
    _mm256_store_pd(acc, _mm256_add_pd(a0, a1));
    double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; d < D; d++) s += softplus1(lr[d]) - xr[d] * lr[d];
    nll[b] = (float)s;
  }
}

__attribute__((target("avx2,fma"))) void bernoulliNllGradRows(int B, int D, const float* dy, const float* l, const float* x,
                                                          float* g) {
  const __m256 one = _mm256_set1_ps(1.f);
  for (int b = 0; b < B; b++) {
    const size_t o = (size_t)b * D;
    const __m256 c = _mm256_set1_ps(dy[b]);
    int d = 0;
    for (; d + 8 <= D; d += 8) {
      const __m256 li = _mm256_loadu_ps(l + o + d);
      const __m256 sg = _mm256_div_ps(one, _mm256_add_ps(one, expAvx(_mm256_sub_ps(_mm256_setzero_ps(), li))));
      _mm256_storeu_ps(g + o + d, _mm256_mul_ps(c, _mm256_sub_ps(sg, _mm256_loadu_ps(x + o + d))));
    }
    for (; d < D; d++) g[o + d] = dy[b] * (1.f / (1.f + std::exp(-l[o + d])) - x[o + d]);
  }
}
#endif

// Both across the pool by rows.
void bernoulliNll(int B, int D, const float* l, const float* x, float* nll) {
#if VAEKIT_X86
  forRows(B, D, 1 << 14, [&](size_t b, size_t e) { bernoulliNllRows((int)(e - b), D, l + b * D, x + b * D, nll + b); });
#endif
}

void bernoulliNllGrad(int B, int D, const float* dy, const float* l, const float* x, float* g) {
#if VAEKIT_X86
  forRows(B, D, 1 << 14, [&](size_t b, size_t e) {
    bernoulliNllGradRows((int)(e - b), D, dy + b, l + b * D, x + b * D, g + b * D);
  });
#endif
}

#if VAEKIT_X86
// Sums x viewed as [outer, inner] over its leading axis (y[inner]) or its trailing axis
// (y[outer]), accumulating in double as tfjs' cpu backend does.
// Leading: columns [0, inner) of rows of stride ld.
// acc[j] = the sum over the `outer` rows (ld apart) of x[row·ld + j], in double, for j < inner.
__attribute__((target("avx2,fma"))) void sumLeadingAvx(size_t outer, size_t inner, size_t ld, const float* x, double* acc) {
  for (size_t j = 0; j < inner; j++) acc[j] = 0.0;
  size_t i = 0;
  // Four rows at a time, added pairwise in double before the accumulator: a quarter of the
  // accumulator's loads and stores (a text model's output bias gradient sums [736, 10003]).
  for (; i + 4 <= outer; i += 4) {
    const float* r0 = x + i * ld;
    const float* r1 = r0 + ld;
    const float* r2 = r1 + ld;
    const float* r3 = r2 + ld;
    size_t j = 0;
    for (; j + 4 <= inner; j += 4) {
      const __m256d a = _mm256_add_pd(_mm256_cvtps_pd(_mm_loadu_ps(r0 + j)), _mm256_cvtps_pd(_mm_loadu_ps(r1 + j)));
      const __m256d b = _mm256_add_pd(_mm256_cvtps_pd(_mm_loadu_ps(r2 + j)), _mm256_cvtps_pd(_mm_loadu_ps(r3 + j)));
      _mm256_storeu_pd(acc + j, _mm256_add_pd(_mm256_loadu_pd(acc + j), _mm256_add_pd(a, b)));
    }
    for (; j < inner; j++) acc[j] += ((double)r0[j] + r1[j]) + ((double)r2[j] + r3[j]);
  }
  for (; i < outer; i++) {
    const float* row = x + i * ld;
    size_t j = 0;
    for (; j + 4 <= inner; j += 4) {
      _mm256_storeu_pd(acc + j, _mm256_add_pd(_mm256_loadu_pd(acc + j), _mm256_cvtps_pd(_mm_loadu_ps(row + j))));
    }
    for (; j < inner; j++) acc[j] += row[j];
  }
}

// The sum of n floats (Squares: of their squares, each exact in double) in double: two 4-lane
// accumulators, then the tail.
template <bool Squares>
__attribute__((target("avx2,fma"))) double sumBlockAvx(const float* row, size_t n) {
  __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256d lo = _mm256_cvtps_pd(_mm_loadu_ps(row + j)), hi = _mm256_cvtps_pd(_mm_loadu_ps(row + j + 4));
    a0 = _mm256_add_pd(a0, Squares ? _mm256_mul_pd(lo, lo) : lo);
    a1 = _mm256_add_pd(a1, Squares ? _mm256_mul_pd(hi, hi) : hi);
  }
  alignas(32) double t[4];
  _mm256_store_pd(t, _mm256_add_pd(a0, a1));
  double s = (t[0] + t[1]) + (t[2] + t[3]);
  for (; j < n; j++) s += Squares ? (double)row[j] * row[j] : (double)row[j];
  return s;
}

// Rows longer than this are summed as blocks of this many values whose partial sums are then
// added in block order: the same arithmetic on 1 or n threads (blocks go to different threads).
constexpr size_t kSumBlock = 1 << 16;

__attribute__((target("avx2,fma"))) void sumTrailingAvx(size_t outer, size_t inner, const float* x, float* y) {
  for (size_t i = 0; i < outer; i++) y[i] = (float)sumBlockAvx<false>(x + i * inner, inner);
}

// y = max(x, 0); NaN stays NaN as in tfjs.
__attribute__((target("avx2,fma"))) void reluAvx(size_t n, const float* x, float* y) {
  const __m256 zero = _mm256_setzero_ps();
  size_t i = 0;
  // max_ps(x, 0) returns its second operand when x is NaN: keep x where x is NaN.
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256 r = _mm256_max_ps(v, zero);
    _mm256_storeu_ps(y + i, _mm256_blendv_ps(r, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q)));
  }
  for (; i < n; i++) y[i] = x[i] < 0.f ? 0.f : x[i];
}

// The gradient of relu as tfjs computes it: g = dy · step(x), step(x) = 1 above 0, 0 at or below,
// NaN where x is NaN; one float multiply per element, so the same bits (signed zeros included).
__attribute__((target("avx2,fma"))) void reluGradAvx(size_t n, const float* dy, const float* x, float* g) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    __m256 step = _mm256_and_ps(_mm256_cmp_ps(v, zero, _CMP_GT_OQ), one);
    step = _mm256_blendv_ps(step, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    _mm256_storeu_ps(g + i, _mm256_mul_ps(_mm256_loadu_ps(dy + i), step));
  }
  for (; i < n; i++) g[i] = dy[i] * (x[i] > 0.f ? 1.f : x[i] != x[i] ? x[i] : 0.f);
}

#endif

void softplusSerial(size_t n, const float* x, float* y) {
  size_t i = softplusAvx(n, x, y);
  for (; i < n; i++) y[i] = softplus1(x[i]);
}

// Element-wise kernels split into chunks of multiples of 8, so that every element takes the
// same (AVX or scalar tail) path as on one thread.
template <class F>
void forChunks(size_t n, double grainElems, const F& fn) {
  const int parts = partsFor((double)n, grainElems);
  const Split sp{n, 8, parts};
  pool().run(parts, [&](int t) {
    const size_t b = sp.begin(t), e = sp.begin(t + 1);
    if (e > b) fn(b, e);
  });
}

void softplus(size_t n, const float* x, float* y) {
  forChunks(n, 1 << 14, [&](size_t b, size_t e) { softplusSerial(e - b, x + b, y + b); });
}

// y = a · b over n elements (b of 1 element: a scalar), exactly rounded as any float multiply.
#if VAEKIT_X86
__attribute__((target("avx2,fma"))) void mulAvx(size_t n, const float* a, const float* b, bool scalar, float* y) {
  size_t i = 0;
  if (scalar) {
    const __m256 s = _mm256_set1_ps(b[0]);
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(a + i), s));
    for (; i < n; i++) y[i] = a[i] * b[0];
  } else {
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    for (; i < n; i++) y[i] = a[i] * b[i];
  }
}
#endif

void mul(size_t n, const float* a, const float* b, bool scalar, float* y) {
#if VAEKIT_X86
  forChunks(n, 1 << 16, [&](size_t s0, size_t e) { mulAvx(e - s0, a + s0, scalar ? b : b + s0, scalar, y + s0); });
#endif
}

// y = a + b over n elements (b of 1 element: a scalar), exactly rounded as any float add.
#if VAEKIT_X86
__attribute__((target("avx2,fma"))) void addAvx(size_t n, const float* a, const float* b, bool scalar, float* y) {
  size_t i = 0;
  if (scalar) {
    const __m256 s = _mm256_set1_ps(b[0]);
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(a + i), s));
    for (; i < n; i++) y[i] = a[i] + b[0];
  } else {
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    for (; i < n; i++) y[i] = a[i] + b[i];
  }
}
#endif

void add(size_t n, const float* a, const float* b, bool scalar, float* y) {
#if VAEKIT_X86
  forChunks(n, 1 << 16, [&](size_t s0, size_t e) { addAvx(e - s0, a + s0, scalar ? b : b + s0, scalar, y + s0); });
#endif
}

// The diagonal Gaussian posterior's element-wise steps, in float32 after every operation, in the
// order of the tfjs ops they replace; exp in double, rounded to float32 (as Math.fround(Math.exp)).
enum class GaussianOp { Kl = 0, KlGrad = 1, Reparameterize = 2, ReparameterizeGrad = 3 };

inline float expf32(float x) { return (float)std::exp((double)x); }

//  Kl:                 y = 0.5·((a² + exp(b)) − (1 + b))            a = mean, b = logVar
//  KlGrad:             y = c·a, y2 = c·(0.5·(exp(b) − 1))            c = dy
//  Reparameterize:     y = a + exp(b·0.5)·c                          c = eps
//  ReparameterizeGrad: y = ((a·c)·exp(b·0.5))·0.5                    a = dz, c = eps
void gaussianSerial(GaussianOp op, size_t n, const float* a, const float* b, const float* c, float* y, float* y2) {
  switch (op) {
    case GaussianOp::Kl:
      for (size_t i = 0; i < n; i++) {
        const float sq = a[i] * a[i];
        const float s = sq + expf32(b[i]);
        y[i] = 0.5f * (s - (1.f + b[i]));
      }
      break;
    case GaussianOp::KlGrad:
      for (size_t i = 0; i < n; i++) {
        const float d = c[i];
        y[i] = d * a[i];
        y2[i] = d * (0.5f * (expf32(b[i]) - 1.f));
      }
      break;
    case GaussianOp::Reparameterize:
      for (size_t i = 0; i < n; i++) y[i] = a[i] + expf32(b[i] * 0.5f) * c[i];
      break;
    case GaussianOp::ReparameterizeGrad:
      for (size_t i = 0; i < n; i++) {
        const float t = a[i] * c[i];
        y[i] = (t * expf32(b[i] * 0.5f)) * 0.5f;
      }
      break;
  }
}

void gaussian(GaussianOp op, size_t n, const float* a, const float* b, const float* c, float* y, float* y2) {
  forChunks(n, 1 << 14, [&](size_t s0, size_t e) {
    gaussianSerial(op, e - s0, a + s0, b + s0, c ? c + s0 : nullptr, y + s0, y2 ? y2 + s0 : nullptr);
  });
}

void reluGrad(size_t n, const float* dy, const float* x, float* g) {
#if VAEKIT_X86
  forChunks(n, 1 << 16, [&](size_t b, size_t e) { reluGradAvx(e - b, dy + b, x + b, g + b); });
#endif
}

void relu(size_t n, const float* x, float* y) {
#if VAEKIT_X86
  forChunks(n, 1 << 16, [&](size_t b, size_t e) { reluAvx(e - b, x + b, y + b); });
#endif
}

#if VAEKIT_X86
// Sum over the leading axis. Short rows (under 256 values, as a convolution's bias gradient over
// [B·H·W, C]) of many: fixed blocks of kLeadBlock rows, summed in double by whichever thread takes
// them, then added in block order (the blocks do not depend on the thread count, so neither do the
// bits); a thread splitting the columns would read every line of memory the other reads. Else
// columns split across threads, each column summed in row order.
constexpr size_t kLeadBlock = 1024;

void sumLeading(size_t outer, size_t inner, const float* x, float* y) {
  if (inner < 256 && outer > 2 * kLeadBlock) {
    const size_t blocks = (outer + kLeadBlock - 1) / kLeadBlock;
    static thread_local std::vector<double> partial;
    partial.resize(blocks * inner);
    double* part = partial.data();
    forRows(blocks, kLeadBlock * inner, 1 << 16, [&](size_t b, size_t e) {
      for (size_t blk = b; blk < e; blk++) {
        const size_t r0 = blk * kLeadBlock;
        sumLeadingAvx(std::min(kLeadBlock, outer - r0), inner, inner, x + r0 * inner, part + blk * inner);
      }
    });
    for (size_t j = 0; j < inner; j++) {
      double s = 0;
      for (size_t blk = 0; blk < blocks; blk++) s += part[blk * inner + j];
      y[j] = (float)s;
    }
    return;
  }
  const int parts = partsFor((double)outer * inner, 1 << 16);
  const Split sp{inner, 8, parts};
  pool().run(parts, [&](int t) {
    const size_t b = sp.begin(t), e = sp.begin(t + 1);
    if (e <= b) return;
    static thread_local std::vector<double> acc;
    if (acc.size() < e - b) acc.resize(e - b);
    sumLeadingAvx(outer, e - b, inner, x + b, acc.data());
    for (size_t j = b; j < e; j++) y[j] = (float)acc[j - b];
  });
}

// A dense layer's backward pass, y = x·w (+ b) with x [M, K], w [K, N], dy [M, N]: dx = dy·wᵀ
// (when dx is not null), dw = xᵀ·dy and db = the column sums of dy (when db is not null). The two
// products are independent, so they run side by side, each on its share of the threads at the
// efficiency of a larger share of the work (no thread packs a panel another packs too); db goes
// with dw. The same bits as three separate calls on any number of threads.
void denseGrad(int M, int N, int K, const float* x, const float* w, const float* dy, float* dx, float* dw, float* db) {
  // dw [K, N] = xᵀ [K, M] · dy [M, N]; dx [M, K] = dy [M, N] · wᵀ [N, K].
  if (!dx) {
    sgemm(K, N, M, x, K, true, dy, N, false, dw, N, nullptr);
    if (db) sumLeading((size_t)M, (size_t)N, dy, db);
    return;
  }
  const int threads = pool().threads();
  const int dwParts = std::max(1, threads / 2), dxParts = std::max(1, threads - dwParts);
  const GemmSplit gw{K, N, M, x, K, true, dy, N, false, dw, N, nullptr, false, dwParts};
  const GemmSplit gx{M, K, N, dy, N, false, w, N, true, dx, K, nullptr, false, dxParts};
  const auto part = [&](int t) {
    if (t < dwParts) {
      gw.run(t);
      // The bias gradient with the last part of dw (inline when this is a pool part).
      if (t == dwParts - 1 && db) sumLeading((size_t)M, (size_t)N, dy, db);
    } else {
      gx.run(t - dwParts);
    }
  };
  // Side by side from 1 MFLOP of the two products together, as sgemm splits from 1 MFLOP.
  if (threads > 1 && 4.0 * M * N * K >= 1.0e6) {
    pool().run(dwParts + dxParts, part);
  } else {
    for (int t = 0; t < dwParts + dxParts; t++) part(t);
  }
}

// Sum over the trailing axis: rows split across threads; long rows in blocks (kSumBlock).
// The sums (Squares: of squares) of `rows` rows of `inner` floats into out[rows], each row as blocks
// of kSumBlock values whose partial sums are added in block order, the blocks spread over the pool:
// the same arithmetic on any number of threads.
template <bool Squares>
void blockedRowSums(size_t rows, size_t inner, const float* x, double* out) {
  const size_t nb = (inner + kSumBlock - 1) / kSumBlock;
  static thread_local std::vector<double> partial;
  partial.resize(rows * nb);
  double* part = partial.data();
  const int parts = partsFor((double)rows * inner, 1 << 16);
  const Split sp{rows * nb, 1, parts};
  pool().run(parts, [&](int t) {
    for (size_t q = sp.begin(t); q < sp.begin(t + 1); q++) {
      const size_t i = q / nb, b = q % nb;
      const size_t j0 = b * kSumBlock, len = std::min(kSumBlock, inner - j0);
      part[q] = sumBlockAvx<Squares>(x + i * inner + j0, len);
    }
  });
  for (size_t i = 0; i < rows; i++) {
    double s = 0;
    for (size_t b = 0; b < nb; b++) s += part[i * nb + b];
    out[i] = s;
  }
}

void sumTrailing(size_t outer, size_t inner, const float* x, float* y) {
  if (inner > kSumBlock) {
    static thread_local std::vector<double> sums;
    sums.resize(outer);
    blockedRowSums<false>(outer, inner, x, sums.data());
    for (size_t i = 0; i < outer; i++) y[i] = (float)sums[i];
    return;
  }
  forRows(outer, inner, 1 << 16, [&](size_t b, size_t e) { sumTrailingAvx(e - b, inner, x + b * inner, y + b); });
}
#endif


// ---------------------------------------------------------------------------
// Conv2D (NHWC, filter [kh, kw, C, outC]) as im2col + SGEMM:
//   y[b, oh, ow, :] = sum_{i, j, c} x[b, oh*sh - padTop + i*dh, ow*sw - padLeft + j*dw, c] * f[i, j, c, :]
// (zero outside the input), + bias. Rows are processed in chunks so the im2col buffer stays small.
// ---------------------------------------------------------------------------

struct ConvGeom {
  int B, H, W, C, kh, kw, outC, sh, sw, dh, dw, padTop, padLeft, OH, OW;
};

// Calls fn(r, ih0, iw0, b) for rows r0..r0+rows of a convolution's output: the image b and the
// top-left input position of the row's window. The position is stepped, not divided out per row.
template <class F>
void forOutputRows(const ConvGeom& g, size_t r0, size_t rows, const F& fn) {
  int ow = (int)(r0 % g.OW);
  int oh = (int)((r0 / g.OW) % g.OH);
  size_t b = r0 / ((size_t)g.OW * g.OH);
  for (size_t r = 0; r < rows; r++) {
    fn(r, oh * g.sh - g.padTop, ow * g.sw - g.padLeft, b);
    if (++ow == g.OW) {
      ow = 0;
      if (++oh == g.OH) {
        oh = 0;
        b++;
      }
    }
  }
}

// n floats from s to d (n is often a few floats: one channel, or one kernel row of one channel).
inline void copyFloats(float* d, const float* s, size_t n) {
  if (n < 16) {
    for (size_t c = 0; c < n; c++) d[c] = s[c];
  } else {
    std::memcpy(d, s, sizeof(float) * n);
  }
}

inline void zeroFloats(float* d, size_t n) {
  if (n < 16) {
    for (size_t c = 0; c < n; c++) d[c] = 0.f;
  } else {
    std::memset(d, 0, sizeof(float) * n);
  }
}

// Rows r0..r0+rows of the im2col matrix: row (b, oh, ow) holds the kh x kw x C window of x that
// output reads, zeros where it falls outside. A kernel row inside the input with no dilation is one
// copy of kw*C floats.
void im2colRows(const ConvGeom& g, const float* x, size_t r0, size_t rows, float* col) {
  const size_t K = (size_t)g.kh * g.kw * g.C;
  const size_t rowLen = (size_t)g.kw * g.C;
  forOutputRows(g, r0, rows, [&](size_t r, int ih0, int iw0, size_t b) {
    float* dst = col + r * K;
    const float* xb = x + b * g.H * g.W * g.C;
    const bool rowInside = g.dw == 1 && iw0 >= 0 && iw0 + g.kw <= g.W;
    for (int i = 0; i < g.kh; i++) {
      const int ih = ih0 + i * g.dh;
      float* d = dst + (size_t)i * rowLen;
      if (ih < 0 || ih >= g.H) {
        zeroFloats(d, rowLen);
        continue;
      }
      const float* src = xb + (size_t)ih * g.W * g.C;
      if (rowInside) {
        copyFloats(d, src + (size_t)iw0 * g.C, rowLen);
        continue;
      }
      for (int j = 0; j < g.kw; j++) {
        const int iw = iw0 + j * g.dw;
        if (iw < 0 || iw >= g.W) {
          zeroFloats(d + (size_t)j * g.C, g.C);
        } else {
          copyFloats(d + (size_t)j * g.C, src + (size_t)iw * g.C, g.C);
        }
      }
    }
  });
}

void conv2d(const ConvGeom& g, const float* x, const float* f, float* y, const float* bias) {
  const size_t K = (size_t)g.kh * g.kw * g.C;
  const size_t rowsTotal = (size_t)g.B * g.OH * g.OW;
  // 1x1, stride 1, no padding: x is already the im2col matrix.
  if (g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 && g.padLeft == 0 && g.OH == g.H && g.OW == g.W) {
    sgemm((int)rowsTotal, g.outC, (int)K, x, (int)K, false, f, g.outC, false, y, g.outC, bias);
    return;
  }
  // Few output channels (a last layer's 1 to 3 channels, or its 4 sub-pixel phases): the 32-wide
  // SGEMM tiles would be mostly padding, so compute y^T = f^T col^T, whose long side is the rows,
  // and transpose it back.
  const bool narrow = g.outC < 8;
  // Each thread takes a range of output rows (one dispatch for the whole convolution) and runs
  // im2col and a one-thread SGEMM over chunks of ~512 KB of it, which stay in its L2. Every output
  // value is the same sum on any thread count.
  const int parts = partsFor(2.0 * rowsTotal * K * g.outC, 4.0e6);
  const Split sp{rowsTotal, (size_t)MR5, parts};
  pool().run(parts, [&](int t) {
    const size_t b = sp.begin(t), e = sp.begin(t + 1);
    if (e <= b) return;
    size_t chunk = (size_t)(1 << 17) / (K ? K : 1);
    if (chunk < (size_t)MR5) chunk = MR5;
    chunk = std::min((chunk / MR5) * MR5, e - b);
    static thread_local std::vector<float> col, yt;
    col.resize(chunk * K);
    if (narrow) yt.resize(chunk * g.outC);
    for (size_t r0 = b; r0 < e; r0 += chunk) {
      const size_t rows = std::min(chunk, e - r0);
      im2colRows(g, x, r0, rows, col.data());
      if (!narrow) {
        sgemmSerial((int)rows, g.outC, (int)K, col.data(), (int)K, false, f, g.outC, false, y + r0 * g.outC, g.outC, bias,
                    false);
        continue;
      }
      sgemmSerial(g.outC, (int)rows, (int)K, f, g.outC, true, col.data(), (int)K, true, yt.data(), (int)rows, nullptr, false);
      float* yr = y + r0 * g.outC;
      for (size_t r = 0; r < rows; r++)
        for (int c = 0; c < g.outC; c++) yr[r * g.outC + c] = yt[(size_t)c * rows + r] + (bias ? bias[c] : 0.f);
    }
  });
}

// Columns [f0, f1) of rows r0..r0+rows of the im2col matrix (a window position is column
// (i·kw + j)·C + c), as rows of f1 − f0 values.
void im2colColumns(const ConvGeom& g, const float* x, size_t r0, size_t rows, size_t f0, size_t f1, float* col) {
  const size_t width = f1 - f0;
  const int tap0 = (int)(f0 / g.C), tap1 = (int)((f1 + g.C - 1) / g.C);
  forOutputRows(g, r0, rows, [&](size_t r, int ih0, int iw0, size_t b) {
    float* dst = col + r * width;
    const float* xb = x + b * g.H * g.W * g.C;
    for (int tap = tap0; tap < tap1; tap++) {
      const int i = tap / g.kw, j = tap % g.kw;
      const size_t base = (size_t)tap * g.C;
      const size_t c0 = std::max(base, f0) - base, c1 = std::min(base + g.C, f1) - base;
      float* d = dst + base + c0 - f0;
      const int ih = ih0 + i * g.dh, iw = iw0 + j * g.dw;
      if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) {
        zeroFloats(d, c1 - c0);
      } else {
        copyFloats(d, xb + ((size_t)ih * g.W + iw) * g.C + c0, c1 - c0);
      }
    }
  });
}

// d += s over n floats (exactly rounded adds, so the same as a scalar loop).
#if VAEKIT_X86
__attribute__((target("avx2"))) void addInto(float* d, const float* s, int n) {
  int c = 0;
  for (; c + 8 <= n; c += 8) _mm256_storeu_ps(d + c, _mm256_add_ps(_mm256_loadu_ps(d + c), _mm256_loadu_ps(s + c)));
  for (; c < n; c++) d[c] += s[c];
}
#else
void addInto(float* d, const float* s, int n) {
  for (int c = 0; c < n; c++) d[c] += s[c];
}
#endif

// Filter gradient of conv2d: dw[kh*kw*C, outC] = im2col(x)^T * dy[B*OH*OW, outC]. Each thread takes
// a range of dw's rows (window positions; one dispatch for the whole gradient), gathers only those
// columns of the im2col matrix, over chunks of ~512 KB of output rows, and accumulates them with a
// one-thread SGEMM. The chunks are whole KC slices of rows: SGEMM adds each KC slice of its K into
// C in turn (C += slice), so the sums, and the bits, are the same for any chunking and thread count.
void conv2dFilterGrad(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const size_t K = (size_t)g.kh * g.kw * g.C;
  const size_t rowsTotal = (size_t)g.B * g.OH * g.OW;
  // Short windows (one input channel: 16 positions), too few to split: the rows are split instead.
  // SGEMM computes dw one KC slice of rows at a time, dw = p0, then dw += p1, ...: here each
  // thread computes whole slices' products p_s (im2col of the slice's rows, then the same FMA
  // chain), into a buffer per slice, and they are added in slice order, so the bits are SGEMM's
  // on any number of threads. Groups of slices bound the buffer.
  if (K < 64) {
    const size_t slices = (rowsTotal + KC - 1) / KC, group = 64, per = K * g.outC;
    static thread_local std::vector<float> partialBuf;
    partialBuf.resize(std::min(slices, group) * per);
    float* partial = partialBuf.data();
    for (size_t s0 = 0; s0 < slices; s0 += group) {
      const size_t n = std::min(group, slices - s0);
      const int parts = std::min(partsFor(2.0 * n * KC * per, 1.0e6), (int)n);
      const Split sp{n, 1, parts};
      pool().run(parts, [&](int t) {
        static thread_local std::vector<float> colBuf;
        colBuf.resize((size_t)KC * K);
        for (size_t i = sp.begin(t); i < sp.begin(t + 1); i++) {
          const size_t r0 = (s0 + i) * KC, rows = std::min((size_t)KC, rowsTotal - r0);
          im2colRows(g, x, r0, rows, colBuf.data());
          sgemmSerial((int)K, g.outC, (int)rows, colBuf.data(), (int)K, true, dy + r0 * g.outC, g.outC, false,
                      partial + i * per, g.outC, nullptr, false);
        }
      });
      for (size_t i = 0; i < n; i++) {
        if (s0 + i == 0) {
          std::memcpy(dw, partial, per * sizeof(float));
        } else {
          addInto(dw, partial + i * per, (int)per);
        }
      }
    }
    return;
  }
  // At least 32 window positions per thread.
  const int parts = std::max(1, std::min(partsFor(2.0 * rowsTotal * K * g.outC, 4.0e6), (int)(K / 32)));
  const Split sp{K, (size_t)MR5, parts};
  pool().run(parts, [&](int t) {
    const size_t f0 = sp.begin(t), f1 = sp.begin(t + 1);
    if (f1 <= f0) return;
    const size_t width = f1 - f0;
    size_t chunk = (size_t)(1 << 17) / width / KC * KC;
    if (chunk < (size_t)KC) chunk = KC;
    chunk = std::min(chunk, rowsTotal);
    static thread_local std::vector<float> col;
    col.resize(chunk * width);
    for (size_t r0 = 0; r0 < rowsTotal; r0 += chunk) {
      const size_t rows = std::min(chunk, rowsTotal - r0);
      if (width == K) {
        im2colRows(g, x, r0, rows, col.data());
      } else {
        im2colColumns(g, x, r0, rows, f0, f1, col.data());
      }
      sgemmSerial((int)width, g.outC, (int)rows, col.data(), (int)width, true, dy + r0 * g.outC, g.outC, false,
                  dw + f0 * g.outC, g.outC, nullptr, r0 > 0);
    }
  });
}



// Adds rows r0..r0+rows of the window matrix (row r at cols + (r - r0)·K) into dx, the inverse of
// im2colRows' gather: each window at its place in dx, zero padding dropped; rows in order.
void col2imRows(const ConvGeom& g, const float* cols, size_t r0, size_t rows, float* dx) {
  const size_t K = (size_t)g.kh * g.kw * g.C;
  forOutputRows(g, r0, rows, [&](size_t r, int ih0, int iw0, size_t b) {
    const float* src = cols + r * K;
    float* xb = dx + b * g.H * g.W * g.C;
    for (int i = 0; i < g.kh; i++) {
      const int ih = ih0 + i * g.dh;
      if (ih < 0 || ih >= g.H) continue;
      for (int j = 0; j < g.kw; j++) {
        const int iw = iw0 + j * g.dw;
        if (iw < 0 || iw >= g.W) continue;
        addInto(xb + ((size_t)ih * g.W + iw) * g.C, src + ((size_t)i * g.kw + j) * g.C, g.C);
      }
    }
  });
}

// The taps of one axis that read input position u: pairs (tap, output position) with
// out·s − pad + tap·d = u, for every u in [0, n).
std::vector<std::vector<std::pair<int, int>>> tapsReading(int n, int k, int s, int d, int pad, int out) {
  std::vector<std::vector<std::pair<int, int>>> taps(n);
  for (int u = 0; u < n; u++)
    for (int t = 0; t < k; t++) {
      const int v = u + pad - t * d;
      if (v >= 0 && v % s == 0 && v / s < out) taps[u].emplace_back(t, v / s);
    }
  return taps;
}

// For tap t of an axis: the output positions [lo, hi) whose input position out·s − pad + t·d
// lies in [0, n).
std::pair<int, int> outputsInRange(int n, int t, int s, int d, int pad, int out) {
  int lo = 0, hi = out;
  while (lo < hi && lo * s - pad + t * d < 0) lo++;
  while (hi > lo && (hi - 1) * s - pad + t * d >= n) hi--;
  return {lo, hi};
}

// dx for whole images [img0, img1) from the transposed window matrix of their rows (element
// (r, k) at colsT[k·ld + r − img0·OH·OW]). Each value of dx is its bias plus the window values that
// land on it, added in tap order (vertical tap, then horizontal). One row of dx at a time, into an
// accumulator that holds the row's positions by phase (iw mod sw), so that each horizontal tap
// adds a contiguous run of window values to a contiguous run of positions; positions a tap does
// not reach get nothing added, exactly as if the tap were skipped.
void col2imGatherT(const ConvGeom& g, const float* colsT, size_t ld, size_t img0, size_t img1, const float* bias,
                   float* dx) {
  const auto th = tapsReading(g.H, g.kh, g.sh, g.dh, g.padTop, g.OH);
  const int s = g.sw, Q = (g.W + s - 1) / s;
  // Tap j: output positions [lo, hi) land on iw = ow·s + off, at phase p, index ow + dq.
  struct Tap { int lo, hi; size_t at; };
  std::vector<Tap> taps(g.kw);
  for (int j = 0; j < g.kw; j++) {
    const auto [lo, hi] = outputsInRange(g.W, j, s, g.dw, g.padLeft, g.OW);
    const int off = j * g.dw - g.padLeft;
    const int p = ((off % s) + s) % s, dq = (off - p) / s;
    taps[j] = {lo, hi, ((size_t)p * Q + (size_t)(lo + dq)) * g.C};
  }
  static thread_local std::vector<float> acc;
  const size_t accLen = (size_t)s * Q * g.C;
  acc.resize(accLen);
  float* __restrict a = acc.data();
  const size_t perImage = (size_t)g.OH * g.OW;
  for (size_t b = img0; b < img1; b++) {
    const size_t rowBase = (b - img0) * perImage;
    for (int ih = 0; ih < g.H; ih++) {
      std::fill(a, a + accLen, 0.f);
      for (const auto& [i, oh] : th[ih])
        for (int j = 0; j < g.kw; j++) {
          const Tap& t = taps[j];
          const int n = t.hi - t.lo;
          for (int c = 0; c < g.C; c++) {
            const float* __restrict src =
                colsT + (((size_t)i * g.kw + j) * g.C + c) * ld + rowBase + (size_t)oh * g.OW + t.lo;
            float* __restrict dst = a + t.at + c;
            if (g.C == 1) {
              for (int q = 0; q < n; q++) dst[q] += src[q];
            } else {
              for (int q = 0; q < n; q++) dst[(size_t)q * g.C] += src[q];
            }
          }
        }
      float* d = dx + ((b * g.H + ih) * g.W) * g.C;
      for (int p = 0; p < s; p++)
        for (int q = 0, iw = p; iw < g.W; q++, iw += s) {
          const float* v = a + ((size_t)p * Q + q) * g.C;
          for (int c = 0; c < g.C; c++) d[(size_t)iw * g.C + c] = (bias ? bias[c] : 0.f) + v[c];
        }
    }
  }
}

// Input gradient of conv2d, which is also the transposed convolution of dy with f:
//   dx[b, ih, iw, c] = bias[c] + sum over the outputs (b, oh, ow) whose window holds (ih, iw) at
//                      tap (i, j) of  sum_o dy[b, oh, ow, o] * f[i, j, c, o].
// Each thread takes whole images (their windows overlap only within an image; one dispatch for
// the whole convolution) and, over chunks of ~512 KB of window values, computes the windows'
// values dy·fᵀ (a one-thread SGEMM: exactly the multiply-adds of the convolution, no zeros
// inserted between the rows of dy, no phase padding) and adds them into dx in row order: the
// same bits on any thread count.
void conv2dInputGrad(const ConvGeom& g, const float* dy, const float* f, float* dx, const float* bias) {
  const size_t K = (size_t)g.kh * g.kw * g.C;
  const size_t perImage = (size_t)g.OH * g.OW;
  const size_t pixelsPerImage = (size_t)g.H * g.W;
  // Short windows (one input channel): the 32-wide SGEMM tiles would be mostly padding, so
  // compute the transposed matrix f·dyᵀ, whose long side is the rows, over whole images, and add
  // its values into dx row by row (col2imGatherT).
  const bool narrow = K < 32;
  if (narrow) {
    // One dispatch: each part takes whole images, in chunks of ~512 KB of window values.
    const int parts = std::min(partsFor(2.0 * g.B * perImage * K * g.outC, 1.0e6), g.B);
    const Split sp{(size_t)g.B, 1, parts};
    const size_t images = std::max((size_t)1, (size_t)(1 << 17) / (K * perImage));
    pool().run(parts, [&](int t) {
      const size_t i0 = sp.begin(t), i1 = sp.begin(t + 1);
      if (i1 <= i0) return;
      static thread_local std::vector<float> colsT;
      colsT.resize(std::min(images, i1 - i0) * perImage * K);
      float* buf = colsT.data();
      for (size_t img0 = i0; img0 < i1; img0 += images) {
        const size_t img1 = std::min(i1, img0 + images), rows = (img1 - img0) * perImage;
        sgemmSerial((int)K, (int)rows, g.outC, f, g.outC, false, dy + img0 * perImage * g.outC, g.outC, true, buf,
                    (int)rows, nullptr, false);
        col2imGatherT(g, buf, rows, img0, img1, bias, dx);
      }
    });
    return;
  }
  const int parts = std::min(partsFor(2.0 * g.B * perImage * K * g.outC, 4.0e6), g.B);
  const Split sp{(size_t)g.B, 1, parts};
  pool().run(parts, [&](int t) {
    const size_t i0 = sp.begin(t), i1 = sp.begin(t + 1);
    if (i1 <= i0) return;
    static thread_local std::vector<float> cols;
    for (size_t p = i0 * pixelsPerImage; p < i1 * pixelsPerImage; p++)
      for (int c = 0; c < g.C; c++) dx[p * g.C + c] = bias ? bias[c] : 0.f;
    const size_t rb = i0 * perImage, re = i1 * perImage;
    const size_t chunk = std::min(std::max((size_t)MR5, (size_t)(1 << 17) / K), re - rb);
    cols.resize(chunk * K);
    for (size_t r0 = rb; r0 < re; r0 += chunk) {
      const size_t rows = std::min(chunk, re - r0);
      sgemmSerial((int)rows, (int)K, g.outC, dy + r0 * g.outC, g.outC, false, f, g.outC, true, cols.data(), (int)K,
                  nullptr, false);
      col2imRows(g, cols.data(), r0, rows, dx);
    }
  });
}

// Adam, as tf.train.adam computes it in float32, one op at a time, on the gradient scaled by gs
// first (g = g*gs, as a separate multiply would: gradient clipping; g*1 is g):
//   m' = m*b1 + g*(1-b1);  v' = v*b2 + g*g*(1-b2)
//   x' = (m'/c1) / (sqrt(v'/c2) + eps) * (-lr) + x     (c = 1 - beta^t)
// Outputs may alias inputs.
// Scalars are converted to float32 as tfjs does (1 - beta is computed in double first).
void adamSerial(size_t n, const float* x, const float* m, const float* v, const float* g, float* xo, float* mo,
                float* vo, double lrD, double b1D, double b2D, double epsD, double c1D, double c2D, double gsD) {
  const float b1 = (float)b1D, b2 = (float)b2D, eps = (float)epsD, c1 = (float)c1D, c2 = (float)c2D;
  const float omb1 = (float)(1.0 - b1D), omb2 = (float)(1.0 - b2D), nlr = (float)(-lrD), gs = (float)gsD;
  size_t i = adamAvx(n, x, m, v, g, xo, mo, vo, b1, b2, omb1, omb2, eps, c1, c2, nlr, gs);
  for (; i < n; i++) {
    const float gi = g[i] * gs;
    const float t1 = m[i] * b1;
    const float t2 = gi * omb1;
    const float mn = t1 + t2;
    const float sq = gi * gi;
    const float t3 = v[i] * b2;
    const float t4 = sq * omb2;
    const float vn = t3 + t4;
    const float mh = mn / c1;
    const float vh = vn / c2;
    const float den = std::sqrt(vh) + eps;
    const float q = mh / den;
    xo[i] = q * nlr + x[i];
    mo[i] = mn;
    vo[i] = vn;
  }
}

void adam(size_t n, const float* x, const float* m, const float* v, const float* g, float* xo, float* mo, float* vo,
          double lr, double b1, double b2, double eps, double c1, double c2, double gs) {
  forChunks(n, 1 << 15, [&](size_t b, size_t e) {
    adamSerial(e - b, x + b, m + b, v + b, g + b, xo + b, mo + b, vo + b, lr, b1, b2, eps, c1, c2, gs);
  });
}

// One variable of adamMany: x' = xo, m and v updated in place.
struct AdamVar {
  size_t n;
  const float *x, *g;
  float *m, *v, *xo;
};

// Adam over every variable of a model in one job, as PyTorch's multi-tensor ("foreach") Adam: the
// variables are cut into chunks of 16K values (multiples of 8, so every value takes the path it
// takes on one thread), which the threads claim one at a time; small variables ride along with
// the large ones instead of each being a call of its own. The same bits as adam() per variable.
void adamMany(const std::vector<AdamVar>& vars, double lr, double b1, double b2, double eps, double c1, double c2,
              double gs) {
  constexpr size_t kChunk = 1 << 14;
  struct Chunk {
    const AdamVar* var;
    size_t b, e;
  };
  std::vector<Chunk> chunks;
  for (const AdamVar& a : vars)
    for (size_t b = 0; b < a.n; b += kChunk) chunks.push_back({&a, b, std::min(a.n, b + kChunk)});
  const auto run = [&](int c) {
    const Chunk& k = chunks[(size_t)c];
    const AdamVar& a = *k.var;
    adamSerial(k.e - k.b, a.x + k.b, a.m + k.b, a.v + k.b, a.g + k.b, a.xo + k.b, a.m + k.b, a.v + k.b, lr, b1, b2, eps,
               c1, c2, gs);
  };
  if (chunks.size() < 2) {
    for (size_t c = 0; c < chunks.size(); c++) run((int)c);
    return;
  }
  pool().run((int)chunks.size(), run);
}

#if VAEKIT_X86
// The sum of x[i]² over n floats, in double (each square is exact in double): blocks of kSumBlock
// values summed across the pool, their sums added in block order, so the same bits on any number
// of threads. For the global norm of gradient clipping, without a squared copy of each gradient.
double sumSquares(size_t n, const float* x) {
  double s = 0;
  blockedRowSums<true>(1, n, x, &s);
  return s;
}
#else
double sumSquares(size_t n, const float* x) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += (double)x[i] * x[i];
  return s;
}
#endif

#if VAEKIT_X86
// 1 / (1 + exp(-x)) and tanh(x) = sign(x)·(1 − e)/(1 + e), e = exp(−2|x|), 8 lanes (~1e-7).
__attribute__((target("avx2,fma"))) inline __m256 sigmoidAvx(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.f);
  return _mm256_div_ps(one, _mm256_add_ps(one, expAvx(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}
__attribute__((target("avx2,fma"))) inline __m256 tanhAvx(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.f);
  const __m256 sign = _mm256_and_ps(x, _mm256_set1_ps(-0.f));
  const __m256 a = _mm256_andnot_ps(_mm256_set1_ps(-0.f), x);
  const __m256 e = expAvx(_mm256_mul_ps(a, _mm256_set1_ps(-2.f)));
  return _mm256_or_ps(sign, _mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e)));
}

// The GRU gates of one row (PyTorch's layout: r, z, n), H a multiple of 8:
//   r = σ(xr + gr), z = σ(xz + gz), n = tanh(xn + r·gn), h = (1 − z)·n + z·h
// with act (if any) = [r, z, n, gn].
__attribute__((target("avx2,fma"))) void gruRowAvx(int H, const float* px, const float* gh, float* h, float* act) {
  const __m256 one = _mm256_set1_ps(1.f);
  for (int j = 0; j < H; j += 8) {
    const __m256 r = sigmoidAvx(_mm256_add_ps(_mm256_loadu_ps(px + j), _mm256_loadu_ps(gh + j)));
    const __m256 z = sigmoidAvx(_mm256_add_ps(_mm256_loadu_ps(px + H + j), _mm256_loadu_ps(gh + H + j)));
    const __m256 hn = _mm256_loadu_ps(gh + 2 * H + j);
    const __m256 n = tanhAvx(_mm256_add_ps(_mm256_loadu_ps(px + 2 * H + j), _mm256_mul_ps(r, hn)));
    const __m256 hp = _mm256_loadu_ps(h + j);
    _mm256_storeu_ps(h + j, _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(one, z), n), _mm256_mul_ps(z, hp)));
    if (act) {
      _mm256_storeu_ps(act + j, r);
      _mm256_storeu_ps(act + H + j, z);
      _mm256_storeu_ps(act + 2 * H + j, n);
      _mm256_storeu_ps(act + 3 * H + j, hn);
    }
  }
}
#endif

// A GRU layer's recurrence over T steps of B rows (time-major rows t·B + b), in place on h [B, H]:
// per step gh = h·W_hh + b_hh (the pool's SGEMM), then the gates row by row. A row whose mask is
// 0 keeps its state. hs [T·B, H] gets every step's state; hPrev [T·B, H] and act [T·B, 4H]
// (optional) what the backward pass needs.
void gruForward(int B, int T, int H, const float* px, float* h, const float* wHh, const float* bias, const float* mask,
                bool reverse, float* hs, float* hPrev, float* act) {
#if VAEKIT_X86
  const int G = 3 * H;
  static thread_local std::vector<float> ghBuf;
  ghBuf.resize((size_t)B * G);
  float* gh = ghBuf.data();
  for (int k = 0; k < T; k++) {
    const int t = reverse ? T - 1 - k : k;
    sgemm(B, G, H, h, H, false, wHh, G, false, gh, G, bias);
    for (int b = 0; b < B; b++) {
      const size_t row = (size_t)t * B + b;
      float* hb = h + (size_t)b * H;
      if (hPrev) std::memcpy(hPrev + row * H, hb, sizeof(float) * H);
      if (!mask || mask[row] != 0.f) gruRowAvx(H, px + row * G, gh + (size_t)b * G, hb, act ? act + row * 4 * H : nullptr);
      std::memcpy(hs + row * H, hb, sizeof(float) * H);
    }
  }
#endif
}

// Backpropagation through time of gruForward, steps in reverse order: dy [T·B, H] (the gradient
// of every step's state), dh [B, H] in/out (the gradient of the final state in, of the initial
// state out); outputs (zero-filled by the caller) dGx [T·B, 3H], the gradient of the input
// projections, and dGh [T·B, 3H], of h·W_hh + b_hh. Per step dh_prev = dh·z + dGh_t·W_hhᵀ (the
// pool's SGEMM) for valid rows; masked rows pass dh on.
void gruBackward(int B, int T, int H, const float* dy, const float* wHh, const float* mask, bool reverse,
                 const float* hPrev, const float* act, float* dh, float* dGx, float* dGh) {
  const int G = 3 * H;
  static thread_local std::vector<float> buf;
  buf.resize((size_t)B * H * 2);
  float* direct = buf.data();
  float* back = direct + (size_t)B * H;
  for (int k = T - 1; k >= 0; k--) {
    const int t = reverse ? T - 1 - k : k;
    for (int b = 0; b < B; b++) {
      const size_t row = (size_t)t * B + b;
      float* g = dh + (size_t)b * H;
      const float* dyr = dy + row * H;
      for (int j = 0; j < H; j++) g[j] += dyr[j];
      if (mask && mask[row] == 0.f) continue;
      const float* a = act + row * 4 * H;
      const float* hp = hPrev + row * H;
      float* gx = dGx + row * G;
      float* gh = dGh + row * G;
      float* d = direct + (size_t)b * H;
      for (int j = 0; j < H; j++) {
        const float r = a[j], z = a[H + j], n = a[2 * H + j], hn = a[3 * H + j];
        const float dan = g[j] * (1.f - z) * (1.f - n * n);
        const float dar = dan * hn * r * (1.f - r);
        const float daz = g[j] * (hp[j] - n) * z * (1.f - z);
        gx[j] = dar;
        gx[H + j] = daz;
        gx[2 * H + j] = dan;
        gh[j] = dar;
        gh[H + j] = daz;
        gh[2 * H + j] = dan * r;
        d[j] = g[j] * z;
      }
    }
    sgemm(B, H, G, dGh + (size_t)t * B * G, G, false, wHh, G, true, back, H, nullptr);
    for (int b = 0; b < B; b++) {
      const size_t row = (size_t)t * B + b;
      if (mask && mask[row] == 0.f) continue;
      float* g = dh + (size_t)b * H;
      const float* d = direct + (size_t)b * H;
      const float* bk = back + (size_t)b * H;
      for (int j = 0; j < H; j++) g[j] = d[j] + bk[j];
    }
  }
}

// ---------------------------------------------------------------------------
// N-API glue
// ---------------------------------------------------------------------------

#define NAPI_OK(call)                                   \
  do {                                                  \
    if ((call) != napi_ok) {                            \
      napi_throw_error(env, nullptr, "vaekit_native: " #call " failed"); \
      return nullptr;                                   \
    }                                                   \
  } while (0)

// Whether v is a typed array of the given type; if so, its elements (*data, which may be null
// when it is empty) and their number.
template <class T>
bool typedArrayOf(napi_env env, napi_value v, napi_typedarray_type want, T** data, size_t* count) {
  bool isTa = false;
  napi_typedarray_type type;
  void* p = nullptr;
  napi_value ab;
  size_t byteOff = 0;
  if (napi_is_typedarray(env, v, &isTa) != napi_ok || !isTa ||
      napi_get_typedarray_info(env, v, &type, count, &p, &ab, &byteOff) != napi_ok || type != want)
    return false;
  *data = static_cast<T*>(p);
  return true;
}

bool getF32(napi_env env, napi_value v, float** data, size_t* length) {
  return typedArrayOf(env, v, napi_float32_array, data, length);
}

double getNum(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

// The prologue every entry point shares: exactly n arguments, the first a Float32Array (the wasm
// heap). On failure it throws a TypeError (countMsg for a wrong count, heapMsg for a wrong heap)
// and returns false.
bool heapArgs(napi_env env, napi_callback_info info, size_t n, napi_value* a, float** heap, size_t* len,
              const char* countMsg, const char* heapMsg) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, a, nullptr, nullptr) != napi_ok) {
    napi_throw_error(env, nullptr, "vaekit_native: napi_get_cb_info failed");
    return false;
  }
  if (argc != n) {
    napi_throw_type_error(env, nullptr, countMsg);
    return false;
  }
  if (!getF32(env, a[0], heap, len)) {
    napi_throw_type_error(env, nullptr, heapMsg);
    return false;
  }
  return true;
}

// Whether every operand {offset, size} (in floats) lies within a heap of len floats; otherwise
// throws `bounds` as a RangeError. Negative or NaN offsets and sizes do not fit.
bool operandsFit(napi_env env, size_t len, const char* bounds, std::initializer_list<std::pair<double, double>> operands) {
  for (const auto& o : operands) {
    if (!(o.first >= 0 && o.second >= 0 && o.first + o.second <= (double)len)) {
      napi_throw_range_error(env, nullptr, bounds);
      return false;
    }
  }
  return true;
}

// sgemm(heap, M, N, K, aOff, lda, transA, bOff, ldb, transB, cOff, ldc, biasOff)
// Offsets are float indices into heap; biasOff < 0 means no bias.
napi_value Sgemm(napi_env env, napi_callback_info info) {
  napi_value a[13];
  float* heap;
  size_t len;
  if (!heapArgs(env, info, 13, a, &heap, &len, "vaekit_native.sgemm: expected 13 arguments",
                "vaekit_native.sgemm: heap must be a Float32Array"))
    return nullptr;
  const int M = static_cast<int>(getNum(env, a[1])), N = static_cast<int>(getNum(env, a[2])),
            K = static_cast<int>(getNum(env, a[3]));
  const double aOff = getNum(env, a[4]), bOff = getNum(env, a[7]), cOff = getNum(env, a[10]), biasOff = getNum(env, a[12]);
  const int lda = static_cast<int>(getNum(env, a[5])), ldb = static_cast<int>(getNum(env, a[8])),
            ldc = static_cast<int>(getNum(env, a[11]));
  bool tA = false, tB = false;
  napi_get_value_bool(env, a[6], &tA);
  napi_get_value_bool(env, a[9], &tB);
  const double lenD = static_cast<double>(len);
  // Bounds: last element touched by each operand.
  const double aEnd = aOff + (tA ? (double)(K - 1) * lda + M : (double)(M - 1) * lda + K);
  const double bEnd = bOff + (tB ? (double)(N - 1) * ldb + K : (double)(K - 1) * ldb + N);
  const double cEnd = cOff + (double)(M - 1) * ldc + N;
  if (M <= 0 || N <= 0 || K < 0 || aOff < 0 || bOff < 0 || cOff < 0 || (K > 0 && (aEnd > lenD || bEnd > lenD)) ||
      cEnd > lenD || (biasOff >= 0 && biasOff + N > lenD)) {
    napi_throw_range_error(env, nullptr, "vaekit_native.sgemm: operands out of bounds");
    return nullptr;
  }
  sgemm(M, N, K, heap + (size_t)aOff, lda, tA, heap + (size_t)bOff, ldb, tB, heap + (size_t)cOff, ldc,
        biasOff >= 0 ? heap + (size_t)biasOff : nullptr);
  return nullptr;
}

// adam(heap, n, xOff, mOff, vOff, gOff, xoOff, moOff, voOff, lr, b1, b2, eps, c1, c2, gradScale)
napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value a[16];
  float* heap;
  size_t len;
  if (!heapArgs(env, info, 16, a, &heap, &len, "vaekit_native.adam: expected 16 arguments",
                "vaekit_native.adam: heap must be a Float32Array"))
    return nullptr;
  const double n = getNum(env, a[1]);
  double off[7];
  for (int i = 0; i < 7; i++) {
    off[i] = getNum(env, a[2 + i]);
    if (!operandsFit(env, len, "vaekit_native.adam: operands out of bounds", {{off[i], n}})) return nullptr;
  }
  float* p[7];
  for (int i = 0; i < 7; i++) p[i] = heap + static_cast<size_t>(off[i]);
  adam(static_cast<size_t>(n), p[0], p[1], p[2], p[3], p[4], p[5], p[6], getNum(env, a[9]), getNum(env, a[10]),
       getNum(env, a[11]), getNum(env, a[12]), getNum(env, a[13]), getNum(env, a[14]), getNum(env, a[15]));
  return nullptr;
}

// adamMany(heap, vars, lr, b1, b2, eps, c1, c2, gradScale): vars is a Float64Array of 6 numbers per
// variable, [n, xOff, mOff, vOff, gOff, xoOff]; m and v are updated in place, x' goes to xoOff.
napi_value AdamMany(napi_env env, napi_callback_info info) {
  napi_value a[9];
  float* heap;
  size_t len;
  const char* usage = "vaekit_native.adamMany: expected (Float32Array, Float64Array vars, lr, beta1, beta2, epsilon, c1, c2, gradScale)";
  if (!heapArgs(env, info, 9, a, &heap, &len, usage, usage)) return nullptr;
  size_t count = 0;
  double* spec = nullptr;
  if (!typedArrayOf(env, a[1], napi_float64_array, &spec, &count) || count % 6 != 0) {
    napi_throw_type_error(env, nullptr, "vaekit_native.adamMany: vars must be a Float64Array of 6 numbers per variable");
    return nullptr;
  }
  std::vector<AdamVar> vars(count / 6);
  for (size_t i = 0; i < vars.size(); i++) {
    const double* s = spec + 6 * i;
    const double n = s[0];
    if (!operandsFit(env, len, "vaekit_native.adamMany: operands out of bounds",
                     {{s[1], n}, {s[2], n}, {s[3], n}, {s[4], n}, {s[5], n}}))
      return nullptr;
    vars[i] = {(size_t)n, heap + (size_t)s[1], heap + (size_t)s[4], heap + (size_t)s[2], heap + (size_t)s[3],
               heap + (size_t)s[5]};
  }
  adamMany(vars, getNum(env, a[2]), getNum(env, a[3]), getNum(env, a[4]), getNum(env, a[5]), getNum(env, a[6]),
           getNum(env, a[7]), getNum(env, a[8]));
  return nullptr;
}

// sumSquares(heap, n, xOff) -> the sum of the squares of n floats, as a double.
napi_value SumSquares(napi_env env, napi_callback_info info) {
  napi_value a[3];
  float* heap;
  size_t len;
  const char* usage = "vaekit_native.sumSquares: expected (Float32Array, n, xOff)";
  if (!heapArgs(env, info, 3, a, &heap, &len, usage, usage)) return nullptr;
  const double n = getNum(env, a[1]), xo = getNum(env, a[2]);
  if (!operandsFit(env, len, "vaekit_native.sumSquares: operands out of bounds", {{xo, n}})) return nullptr;
  napi_value out;
  napi_create_double(env, sumSquares((size_t)n, heap + (size_t)xo), &out);
  return out;
}

// An element-wise kernel name(heap, n, xOff, yOff): y[i] = f(x[i]) over n elements.
napi_value Elementwise(napi_env env, napi_callback_info info, const char* usage, const char* bounds,
                       void (*f)(size_t, const float*, float*)) {
  napi_value a[4];
  float* heap;
  size_t len;
  if (!heapArgs(env, info, 4, a, &heap, &len, usage, usage)) return nullptr;
  const double n = getNum(env, a[1]), xo = getNum(env, a[2]), yo = getNum(env, a[3]);
  if (!operandsFit(env, len, bounds, {{xo, n}, {yo, n}})) return nullptr;
  f((size_t)n, heap + (size_t)xo, heap + (size_t)yo);
  return nullptr;
}

// softplus(heap, n, xOff, yOff)
napi_value Softplus(napi_env env, napi_callback_info info) {
  return Elementwise(env, info, "vaekit_native.softplus: expected (Float32Array, n, xOff, yOff)",
                     "vaekit_native.softplus: operands out of bounds", softplus);
}

// relu(heap, n, xOff, yOff)
napi_value Relu(napi_env env, napi_callback_info info) {
  return Elementwise(env, info, "vaekit_native.relu: expected (Float32Array, n, xOff, yOff)",
                     "vaekit_native.relu: operands out of bounds", relu);
}

// A kernel over rows, name(heap, B, D, off...): every operand is [B, D] but those of the arguments
// whose bit is set in rowArgs, which are [B]; fn(B, D, pointers) runs it.
template <size_t N, class F>
napi_value Rows(napi_env env, napi_callback_info info, const char* usage, const char* bounds, unsigned rowArgs, const F& fn) {
  napi_value a[N];
  float* heap;
  size_t len;
  if (!heapArgs(env, info, N, a, &heap, &len, usage, usage)) return nullptr;
  const double b = getNum(env, a[1]), d = getNum(env, a[2]);
  if (!(b >= 1 && d >= 1 && b < 2147483647.0 && d < 2147483647.0)) {
    napi_throw_range_error(env, nullptr, bounds);
    return nullptr;
  }
  float* p[N - 3];
  for (size_t i = 3; i < N; i++) {
    const double off = getNum(env, a[i]);
    if (!operandsFit(env, len, bounds, {{off, (rowArgs >> i & 1u) ? b : b * d}})) return nullptr;
    p[i - 3] = heap + (size_t)off;
  }
  fn((int)b, (int)d, p);
  return nullptr;
}

// bernoulliNll(heap, B, D, lOff, xOff, nllOff): see bernoulliNllRows.
napi_value BernoulliNll(napi_env env, napi_callback_info info) {
  return Rows<6>(env, info, "vaekit_native.bernoulliNll: expected (Float32Array, B, D, lOff, xOff, nllOff)",
                 "vaekit_native.bernoulliNll: operands out of bounds", 1u << 5,
                 [](int B, int D, float* const* p) { bernoulliNll(B, D, p[0], p[1], p[2]); });
}

// bernoulliNllGrad(heap, B, D, dyOff, lOff, xOff, gOff)
napi_value BernoulliNllGrad(napi_env env, napi_callback_info info) {
  return Rows<7>(env, info, "vaekit_native.bernoulliNllGrad: expected (Float32Array, B, D, dyOff, lOff, xOff, gOff)",
                 "vaekit_native.bernoulliNllGrad: operands out of bounds", 1u << 3,
                 [](int B, int D, float* const* p) { bernoulliNllGrad(B, D, p[0], p[1], p[2], p[3]); });
}

// A binary element-wise kernel name(heap, n, aOff, bOff, yOff): y[i] = f(a[i], b[i]) over n elements.
napi_value Binary(napi_env env, napi_callback_info info, const char* usage, const char* bounds,
                  void (*f)(size_t, const float*, const float*, float*)) {
  napi_value a[5];
  float* heap;
  size_t len;
  if (!heapArgs(env, info, 5, a, &heap, &len, usage, usage)) return nullptr;
  const double n = getNum(env, a[1]), ao = getNum(env, a[2]), bo = getNum(env, a[3]), yo = getNum(env, a[4]);
  if (!operandsFit(env, len, bounds, {{ao, n}, {bo, n}, {yo, n}})) return nullptr;
  f((size_t)n, heap + (size_t)ao, heap + (size_t)bo, heap + (size_t)yo);
  return nullptr;
}

// reluGrad(heap, n, dyOff, xOff, gOff): g = dy · step(x).
napi_value ReluGrad(napi_env env, napi_callback_info info) {
  return Binary(env, info, "vaekit_native.reluGrad: expected (Float32Array, n, dyOff, xOff, gOff)",
                "vaekit_native.reluGrad: operands out of bounds", reluGrad);
}

// A binary kernel with a scalar form, name(heap, n, aOff, bOff, yOff, scalar): y = f(a, b) over n
// elements, b a single value when scalar.
napi_value BinaryOrScalar(napi_env env, napi_callback_info info, const char* usage, const char* bounds,
                          void (*f)(size_t, const float*, const float*, bool, float*)) {
  napi_value a[6];
  float* heap;
  size_t len;
  if (!heapArgs(env, info, 6, a, &heap, &len, usage, usage)) return nullptr;
  const double n = getNum(env, a[1]), ao = getNum(env, a[2]), bo = getNum(env, a[3]), yo = getNum(env, a[4]);
  bool scalar = false;
  napi_get_value_bool(env, a[5], &scalar);
  if (!operandsFit(env, len, bounds, {{ao, n}, {bo, scalar ? 1 : n}, {yo, n}})) return nullptr;
  f((size_t)n, heap + (size_t)ao, heap + (size_t)bo, scalar, heap + (size_t)yo);
  return nullptr;
}

// mul(heap, n, aOff, bOff, yOff, scalar): y = a·b.
napi_value Mul(napi_env env, napi_callback_info info) {
  return BinaryOrScalar(env, info, "vaekit_native.mul: expected (Float32Array, n, aOff, bOff, yOff, scalar)",
                        "vaekit_native.mul: operands out of bounds", mul);
}

// add(heap, n, aOff, bOff, yOff, scalar): y = a + b.
napi_value Add(napi_env env, napi_callback_info info) {
  return BinaryOrScalar(env, info, "vaekit_native.add: expected (Float32Array, n, aOff, bOff, yOff, scalar)",
                        "vaekit_native.add: operands out of bounds", add);
}

// gaussian(heap, op, n, aOff, bOff, cOff, yOff, y2Off): see gaussianSerial; op 0 (Kl) reads no c
// and op 1 (KlGrad) alone writes y2; unused offsets are ignored.
napi_value Gaussian(napi_env env, napi_callback_info info) {
  napi_value a[8];
  float* heap;
  size_t len;
  const char* usage = "vaekit_native.gaussian: expected (Float32Array, op, n, aOff, bOff, cOff, yOff, y2Off)";
  if (!heapArgs(env, info, 8, a, &heap, &len, usage, usage)) return nullptr;
  const double opD = getNum(env, a[1]), n = getNum(env, a[2]);
  if (!(opD >= 0 && opD <= 3) || opD != std::floor(opD)) {
    napi_throw_range_error(env, nullptr, "vaekit_native.gaussian: op must be 0 (kl), 1 (klGrad), 2 (reparameterize) or 3 (reparameterizeGrad)");
    return nullptr;
  }
  const GaussianOp op = (GaussianOp)(int)opD;
  const bool usesC = op != GaussianOp::Kl, writesY2 = op == GaussianOp::KlGrad;
  const double ao = getNum(env, a[3]), bo = getNum(env, a[4]), co = usesC ? getNum(env, a[5]) : 0,
               yo = getNum(env, a[6]), y2o = writesY2 ? getNum(env, a[7]) : 0;
  if (!operandsFit(env, len, "vaekit_native.gaussian: operands out of bounds",
                   {{ao, n}, {bo, n}, {co, usesC ? n : 0}, {yo, n}, {y2o, writesY2 ? n : 0}}))
    return nullptr;
  const float *pa = heap + (size_t)ao, *pb = heap + (size_t)bo, *pc = usesC ? heap + (size_t)co : nullptr;
  float *y = heap + (size_t)yo, *y2 = writesY2 ? heap + (size_t)y2o : nullptr;
  gaussian(op, (size_t)n, pa, pb, pc, y, y2);
  return nullptr;
}

// denseGrad(heap, M, N, K, xOff, wOff, dyOff, dxOff, dwOff, dbOff): see denseGrad; dxOff or
// dbOff < 0: not computed.
napi_value DenseGrad(napi_env env, napi_callback_info info) {
  napi_value a[10];
  float* heap;
  size_t len;
  const char* usage = "vaekit_native.denseGrad: expected (Float32Array, M, N, K, xOff, wOff, dyOff, dxOff, dwOff, dbOff)";
  if (!heapArgs(env, info, 10, a, &heap, &len, usage, usage)) return nullptr;
  const double M = getNum(env, a[1]), N = getNum(env, a[2]), K = getNum(env, a[3]);
  const double xo = getNum(env, a[4]), wo = getNum(env, a[5]), dyo = getNum(env, a[6]), dxo = getNum(env, a[7]),
               dwo = getNum(env, a[8]), dbo = getNum(env, a[9]);
  const char* bounds = "vaekit_native.denseGrad: bad sizes or operands out of bounds";
  if (!(M >= 1 && N >= 1 && K >= 1 && M < 2147483647.0 && N < 2147483647.0 && K < 2147483647.0) || M != std::floor(M) ||
      N != std::floor(N) || K != std::floor(K)) {
    napi_throw_range_error(env, nullptr, bounds);
    return nullptr;
  }
  const bool hasDx = dxo >= 0, hasDb = dbo >= 0;
  if (!operandsFit(env, len, bounds,
                   {{xo, M * K}, {wo, K * N}, {dyo, M * N}, {hasDx ? dxo : 0, hasDx ? M * K : 0}, {dwo, K * N},
                    {hasDb ? dbo : 0, hasDb ? N : 0}}))
    return nullptr;
#if VAEKIT_X86
  denseGrad((int)M, (int)N, (int)K, heap + (size_t)xo, heap + (size_t)wo, heap + (size_t)dyo,
            hasDx ? heap + (size_t)dxo : nullptr, heap + (size_t)dwo, hasDb ? heap + (size_t)dbo : nullptr);
#endif
  return nullptr;
}

// hugePages(array, bytes): asks Linux to back the memory from the array's start, `bytes` long
// (at least the array), with transparent huge pages (madvise MADV_HUGEPAGE over the 2 MB pages
// it spans); returns whether the call succeeded.
napi_value HugePages(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2];
  NAPI_OK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  float* data = nullptr;
  size_t len = 0;
  bool ok = false;
  if (argc >= 1 && getF32(env, a[0], &data, &len) && len > 0) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const double want = argc >= 2 ? getNum(env, a[1]) : 0;
    const size_t bytes = want > (double)(len * sizeof(float)) ? (size_t)want : len * sizeof(float);
    const uintptr_t huge = (uintptr_t)1 << 21;
    const uintptr_t b = ((uintptr_t)data + huge - 1) & ~(huge - 1);
    const uintptr_t e = ((uintptr_t)data + bytes) & ~(huge - 1);
    ok = e > b && madvise((void*)b, e - b, MADV_HUGEPAGE) == 0;
#endif
  }
  napi_value r;
  napi_get_boolean(env, ok, &r);
  return r;
}

// sum(heap, outer, inner, xOff, yOff, leading)
napi_value Sum(napi_env env, napi_callback_info info) {
  napi_value a[6];
  float* heap;
  size_t len;
  const char* usage = "vaekit_native.sum: expected (Float32Array, outer, inner, xOff, yOff, leading)";
  if (!heapArgs(env, info, 6, a, &heap, &len, usage, usage)) return nullptr;
  const double outer = getNum(env, a[1]), inner = getNum(env, a[2]), xo = getNum(env, a[3]), yo = getNum(env, a[4]);
  bool leading = false;
  napi_get_value_bool(env, a[5], &leading);
  const double outN = leading ? inner : outer;
  if (!(outer >= 1 && inner >= 1)) {
    napi_throw_range_error(env, nullptr, "vaekit_native.sum: operands out of bounds");
    return nullptr;
  }
  if (!operandsFit(env, len, "vaekit_native.sum: operands out of bounds", {{xo, outer * inner}, {yo, outN}})) return nullptr;
#if VAEKIT_X86
  if (leading) {
    sumLeading((size_t)outer, (size_t)inner, heap + (size_t)xo, heap + (size_t)yo);
  } else {
    sumTrailing((size_t)outer, (size_t)inner, heap + (size_t)xo, heap + (size_t)yo);
  }
#endif
  return nullptr;
}

// conv2d(heap, xOff, fOff, yOff, biasOff, geom: Int32Array[15] =
//        [B, H, W, C, kh, kw, outC, sh, sw, dh, dw, padTop, padLeft, OH, OW])
enum class ConvMode { Forward, FilterGrad, InputGrad };

napi_value ConvCommon(napi_env env, napi_callback_info info, ConvMode mode) {
  napi_value a[6];
  float* heap;
  size_t len;
  const char* usage = "vaekit_native.conv2d: expected (Float32Array, xOff, fOff, yOff, biasOff, Int32Array geom)";
  if (!heapArgs(env, info, 6, a, &heap, &len, usage, usage)) return nullptr;
  size_t glen = 0;
  int32_t* gi = nullptr;
  if (!typedArrayOf(env, a[5], napi_int32_array, &gi, &glen) || glen != 15) {
    napi_throw_type_error(env, nullptr, "vaekit_native.conv2d: geom must be an Int32Array of 15");
    return nullptr;
  }
  ConvGeom g{gi[0], gi[1], gi[2], gi[3], gi[4], gi[5], gi[6], gi[7], gi[8], gi[9], gi[10], gi[11], gi[12], gi[13], gi[14]};
  const double xo = getNum(env, a[1]), fo = getNum(env, a[2]), yo = getNum(env, a[3]), bo = getNum(env, a[4]);
  const double xN = (double)g.B * g.H * g.W * g.C, fN = (double)g.kh * g.kw * g.C * g.outC, yN = (double)g.B * g.OH * g.OW * g.outC;
  const char* bounds = "vaekit_native.conv2d: bad geometry or operands out of bounds";
  if (g.B < 1 || g.H < 1 || g.W < 1 || g.C < 1 || g.kh < 1 || g.kw < 1 || g.outC < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 ||
      g.dw < 1 || g.OH < 1 || g.OW < 1) {
    napi_throw_range_error(env, nullptr, bounds);
    return nullptr;
  }
  // The bias (biasOff >= 0) is over the output's channels: dx's (C) for the input gradient, else outC.
  const bool hasBias = bo >= 0;
  const double biasN = !hasBias ? 0 : mode == ConvMode::InputGrad ? g.C : g.outC;
  if (!operandsFit(env, len, bounds, {{xo, xN}, {fo, fN}, {yo, yN}, {hasBias ? bo : 0, biasN}})) return nullptr;
  if (mode == ConvMode::FilterGrad) {
    // (x, dw, dy): fOff is the output dw, yOff the input dy.
    conv2dFilterGrad(g, heap + (size_t)xo, heap + (size_t)yo, heap + (size_t)fo);
  } else if (mode == ConvMode::InputGrad) {
    // (dx, f, dy, bias over C): xOff is the output dx, yOff the input dy.
    conv2dInputGrad(g, heap + (size_t)yo, heap + (size_t)fo, heap + (size_t)xo, hasBias ? heap + (size_t)bo : nullptr);
  } else {
    conv2d(g, heap + (size_t)xo, heap + (size_t)fo, heap + (size_t)yo, hasBias ? heap + (size_t)bo : nullptr);
  }
  return nullptr;
}

napi_value Conv2d(napi_env env, napi_callback_info info) { return ConvCommon(env, info, ConvMode::Forward); }

// conv2dFilterGrad(heap, xOff, dwOff, dyOff, -1, geom): dw = filter gradient of conv2d(x, .) for dy.
napi_value Conv2dFilterGrad(napi_env env, napi_callback_info info) { return ConvCommon(env, info, ConvMode::FilterGrad); }

// conv2dInputGrad(heap, dxOff, fOff, dyOff, biasOff, geom): dx = input gradient of conv2d(., f)
// for dy (+ bias over dx's channels): the transposed convolution.
napi_value Conv2dInputGrad(napi_env env, napi_callback_info info) { return ConvCommon(env, info, ConvMode::InputGrad); }

// softmaxXent(heap, N, V, logitsOff, targetsOff, wOff, lossOff, probsOff): targets are int32 in the same heap.
napi_value SoftmaxXent(napi_env env, napi_callback_info info) {
  return Rows<8>(env, info, "vaekit_native.softmaxXent: expected (Float32Array, N, V, logitsOff, targetsOff, wOff, lossOff, probsOff)",
                 "vaekit_native.softmaxXent: operands out of bounds", 1u << 4 | 1u << 5 | 1u << 6,
                 [](int N, int V, float* const* p) {
                   softmaxXent(N, V, p[0], reinterpret_cast<const int32_t*>(p[1]), p[2], p[3], p[4]);
                 });
}

// softmaxXentGrad(heap, N, V, probsOff, targetsOff, scaleOff, gradOff)
napi_value SoftmaxXentGrad(napi_env env, napi_callback_info info) {
  return Rows<7>(env, info, "vaekit_native.softmaxXentGrad: expected (Float32Array, N, V, probsOff, targetsOff, scaleOff, gradOff)",
                 "vaekit_native.softmaxXentGrad: operands out of bounds", 1u << 4 | 1u << 5,
                 [](int N, int V, float* const* p) {
                   softmaxXentGrad(N, V, p[0], reinterpret_cast<const int32_t*>(p[1]), p[2], p[3]);
                 });
}

// setThreads(n): the pool's size (1 = no worker threads); n is clamped to [1, 256].
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  NAPI_OK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  double n = 0;
  if (argc != 1 || napi_get_value_double(env, a[0], &n) != napi_ok || !(n >= 1) || n != std::floor(n)) {
    napi_throw_range_error(env, nullptr, "vaekit_native.setThreads: expected an integer >= 1");
    return nullptr;
  }
  pool().resize(n > 256 ? 256 : (int)n);
  return nullptr;
}

napi_value Threads(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_int32(env, pool().threads(), &r);
  return r;
}

// A Float32Array's data and length (nullptr, 0 for an empty one).
bool f32Arg(napi_env env, napi_value v, float** data, size_t* len) {
  if (!getF32(env, v, data, len)) return false;
  if (*len == 0) *data = nullptr;
  return true;
}

// gruForward(B, T, H, px, h, wHh, bias, mask, reverse, hs, hPrev, act): plain Float32Arrays (mask,
// hPrev and act may be empty: none); H a multiple of 8.
napi_value GruForward(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value a[12];
  NAPI_OK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  const char* usage = "vaekit_native.gruForward: expected (B, T, H, px, h, wHh, bias, mask, reverse, hs, hPrev, act)";
  if (argc != 12) {
    napi_throw_type_error(env, nullptr, usage);
    return nullptr;
  }
  const double Bd = getNum(env, a[0]), Td = getNum(env, a[1]), Hd = getNum(env, a[2]);
  float* p[9] = {};
  size_t n[9] = {};
  const int idx[9] = {3, 4, 5, 6, 7, 9, 10, 11, -1};
  for (int i = 0; i < 8; i++) {
    if (!f32Arg(env, a[idx[i]], &p[i], &n[i])) {
      napi_throw_type_error(env, nullptr, usage);
      return nullptr;
    }
  }
  bool reverse = false;
  napi_get_value_bool(env, a[8], &reverse);
  const double TB = Td * Bd, G = 3 * Hd;
  // px, h, wHh, bias, mask, hs, hPrev, act
  if (!(Bd >= 1 && Td >= 1 && Hd >= 8) || Bd != std::floor(Bd) || Td != std::floor(Td) || (int)Hd % 8 != 0 ||
      (double)n[0] < TB * G || (double)n[1] != Bd * Hd || (double)n[2] != Hd * G || (double)n[3] != G ||
      (n[4] != 0 && (double)n[4] < TB) || (double)n[5] < TB * Hd || (n[6] != 0 && (double)n[6] < TB * Hd) ||
      (n[7] != 0 && (double)n[7] < TB * 4 * Hd)) {
    napi_throw_range_error(env, nullptr, "vaekit_native.gruForward: sizes do not fit B, T, H (H a multiple of 8)");
    return nullptr;
  }
  gruForward((int)Bd, (int)Td, (int)Hd, p[0], p[1], p[2], p[3], p[4], reverse, p[5], p[6], p[7]);
  return nullptr;
}

// gruBackward(B, T, H, dy, wHh, mask, reverse, hPrev, act, dh, dGx, dGh): plain Float32Arrays (mask
// may be empty).
napi_value GruBackward(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value a[12];
  NAPI_OK(napi_get_cb_info(env, info, &argc, a, nullptr, nullptr));
  const char* usage = "vaekit_native.gruBackward: expected (B, T, H, dy, wHh, mask, reverse, hPrev, act, dh, dGx, dGh)";
  if (argc != 12) {
    napi_throw_type_error(env, nullptr, usage);
    return nullptr;
  }
  const double Bd = getNum(env, a[0]), Td = getNum(env, a[1]), Hd = getNum(env, a[2]);
  const int idx[8] = {3, 4, 5, 7, 8, 9, 10, 11};
  float* p[8] = {};
  size_t n[8] = {};
  for (int i = 0; i < 8; i++) {
    if (!f32Arg(env, a[idx[i]], &p[i], &n[i])) {
      napi_throw_type_error(env, nullptr, usage);
      return nullptr;
    }
  }
  bool reverse = false;
  napi_get_value_bool(env, a[6], &reverse);
  const double TB = Td * Bd, G = 3 * Hd;
  // dy, wHh, mask, hPrev, act, dh, dGx, dGh
  if (!(Bd >= 1 && Td >= 1 && Hd >= 1) || Bd != std::floor(Bd) || Td != std::floor(Td) || Hd != std::floor(Hd) ||
      (double)n[0] < TB * Hd || (double)n[1] != Hd * G || (n[2] != 0 && (double)n[2] < TB) || (double)n[3] < TB * Hd ||
      (double)n[4] < TB * 4 * Hd || (double)n[5] != Bd * Hd || (double)n[6] < TB * G || (double)n[7] < TB * G) {
    napi_throw_range_error(env, nullptr, "vaekit_native.gruBackward: sizes do not fit B, T, H");
    return nullptr;
  }
  gruBackward((int)Bd, (int)Td, (int)Hd, p[0], p[1], p[2], reverse, p[3], p[4], p[5], p[6], p[7]);
  return nullptr;
}

napi_value Supported(napi_env env, napi_callback_info) {
  napi_value r;
  napi_get_boolean(env, cpuSupported(), &r);
  return r;
}

// sgemmIsa(): which SGEMM kernel runs, "avx512" or "avx2".
napi_value SgemmIsa(napi_env env, napi_callback_info) {
  napi_value r;
  const char* isa = useAvx512() ? "avx512" : "avx2";
  napi_create_string_utf8(env, isa, NAPI_AUTO_LENGTH, &r);
  return r;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamMany", nullptr, AdamMany, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumSquares", nullptr, SumSquares, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softplus", nullptr, Softplus, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"relu", nullptr, Relu, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reluGrad", nullptr, ReluGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bernoulliNll", nullptr, BernoulliNll, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bernoulliNllGrad", nullptr, BernoulliNllGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mul", nullptr, Mul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"add", nullptr, Add, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"hugePages", nullptr, HugePages, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"denseGrad", nullptr, DenseGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gaussian", nullptr, Gaussian, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruForward", nullptr, GruForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gruBackward", nullptr, GruBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sum", nullptr, Sum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dFilterGrad", nullptr, Conv2dFilterGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dInputGrad", nullptr, Conv2dInputGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxXent", nullptr, SoftmaxXent, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxXentGrad", nullptr, SoftmaxXentGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"supported", nullptr, Supported, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgemmIsa", nullptr, SgemmIsa, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
