// Thread-local recycling of the small fixed-size heap nodes behind Values
// (string, array and object nodes; private to rules/value).
//
// Parsing a request builds tens to thousands of nodes and the request frees
// them all again moments later; a malloc/free pair per node was the largest
// single cost of parse_json. Each thread keeps a bounded free list of
// node-sized blocks. A node freed on any thread joins that thread's list
// (nodes routinely die on another thread than the one that built them:
// cached policy parameters, values handed between workers), and blocks beyond
// the cap go back to the global allocator, so an idle thread holds at most
// kMaxFreeBlocks * kBlockSize bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include "rules/value/value.h"

namespace tollgate::value::detail {

class NodePool {
 public:
  static constexpr size_t kBlockSize = 48;
  static constexpr uint32_t kMaxFreeBlocks = 8192;

  static void* allocate() {
    FreeList& list = free_list_;
    if (FreeBlock* b = list.head) {
      list.head = b->next;
      --list.count;
      return b;
    }
    return ::operator new(kBlockSize);
  }

  static void deallocate(void* p) noexcept {
    FreeList& list = free_list_;
    if (list.state == State::Live && list.count < kMaxFreeBlocks) {
      auto* b = static_cast<FreeBlock*>(p);
      b->next = list.head;
      list.head = b;
      ++list.count;
      return;
    }
    deallocate_slow(p);
  }

  // Blocks currently cached by the calling thread (for tests).
  static size_t cached_blocks() noexcept { return free_list_.count; }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  // Fresh: nothing cached yet, so the thread-exit drain is not registered.
  // Dead: the thread is exiting and its list was drained; nodes still being
  // destroyed (by other thread-locals' destructors) go straight to the heap.
  enum class State : uint8_t { Fresh, Live, Dead };
  struct FreeList {
    FreeBlock* head = nullptr;
    uint32_t count = 0;
    State state = State::Fresh;
  };

  static void deallocate_slow(void* p) noexcept;

  // Constant-initialised and trivially destructible, so every access is a
  // plain TLS load (no init guard) and the list stays usable until the
  // thread's very end; the drain at thread exit lives in node_pool.cpp.
  static constinit thread_local FreeList free_list_;

  friend struct FreeListDrain;
};

// Base for node types that fit a pool block: routes their new/delete through
// the pool. A larger derived type (e.g. a big-number node deriving from the
// string node) inherits these operators, so they check the size.
struct PooledNode : Node {
  static void* operator new(size_t size) {
    return size <= NodePool::kBlockSize ? NodePool::allocate() : ::operator new(size);
  }
  // With a virtual destructor, `size` is the size of the dynamic type.
  static void operator delete(void* p, size_t size) noexcept {
    if (size <= NodePool::kBlockSize) NodePool::deallocate(p);
    else ::operator delete(p, size);
  }
};

}  // namespace tollgate::value::detail
