#include "rules/value/node_pool.h"

namespace tollgate::value::detail {

constinit thread_local NodePool::FreeList NodePool::free_list_;

// Returns the calling thread's cached blocks to the heap when it exits.
struct FreeListDrain {
  ~FreeListDrain() {
    NodePool::FreeList& list = NodePool::free_list_;
    while (NodePool::FreeBlock* b = list.head) {
      list.head = b->next;
      ::operator delete(b, NodePool::kBlockSize);
    }
    list.count = 0;
    list.state = NodePool::State::Dead;
  }
};

void NodePool::deallocate_slow(void* p) noexcept {
  FreeList& list = free_list_;
  if (list.state == State::Fresh) {
    // First block this thread caches: make sure the thread's exit drains it.
    thread_local FreeListDrain drain;
    list.state = State::Live;
    deallocate(p);
    return;
  }
  ::operator delete(p, kBlockSize);
}

}  // namespace tollgate::value::detail
