// SkipList: the ordered index of a memtable, after LevelDB's db/skiplist.h.
//
// Thread safety: writes (Insert) require external synchronization, one writer at a time. Reads
// (Contains, iteration) need no lock and may run concurrently with the writer: a node is fully
// initialized before it is published with a release store into its predecessors' next pointers,
// and readers follow next pointers with acquire loads. Nodes are never removed, so a reader never
// sees freed memory while the SkipList (and its Arena) is alive.
//
// Key must be copyable and cheap (the memtable uses a pointer to an encoded entry). Comparator
// is a functor `int operator()(const Key& a, const Key& b) const` returning <0, 0, >0.
#pragma once

#include <atomic>
#include <cstdint>
#include <new>

#include "common/check.h"
#include "engine/arena.h"

namespace blockdb {

template <typename Key, class Comparator>
class SkipList {
 private:
  struct Node;

 public:
  // Nodes are allocated in *arena, which must outlive the SkipList.
  SkipList(Comparator cmp, Arena* arena);
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  // REQUIRES: no entry comparing equal to key is in the list; external synchronization.
  void Insert(const Key& key);
  // True when an entry comparing equal to key is in the list.
  bool Contains(const Key& key) const;

  // Iterates over the list; valid while the SkipList lives. Sees every entry inserted before the
  // iterator's position moved past the entry's place (entries inserted concurrently may or may
  // not be seen).
  class Iterator {
   public:
    explicit Iterator(const SkipList* list) : list_(list) {}
    bool Valid() const { return node_ != nullptr; }
    // REQUIRES: Valid().
    const Key& key() const {
      BLOCKDB_CHECK(Valid());
      return node_->key;
    }
    void Next() {
      BLOCKDB_CHECK(Valid());
      node_ = node_->Next(0);
    }
    // Positions at the first entry >= target.
    void Seek(const Key& target) { node_ = list_->FindGreaterOrEqual(target, nullptr); }
    void SeekToFirst() { node_ = list_->head_->Next(0); }

   private:
    const SkipList* list_;
    Node* node_ = nullptr;
  };

 private:
  static constexpr int kMaxHeight = 12;
  static constexpr uint32_t kBranching = 4;

  int GetMaxHeight() const { return max_height_.load(std::memory_order_relaxed); }
  Node* NewNode(const Key& key, int height);
  int RandomHeight();
  bool Equal(const Key& a, const Key& b) const { return compare_(a, b) == 0; }
  bool KeyIsAfterNode(const Key& key, Node* n) const {
    return n != nullptr && compare_(n->key, key) < 0;
  }
  // First node >= key; fills prev[level] with the last node < key at each level when non-null.
  Node* FindGreaterOrEqual(const Key& key, Node** prev) const;

  Comparator const compare_;
  Arena* const arena_;
  Node* const head_;
  // Only the writer modifies it; readers may see a stale value, which is harmless because the
  // new levels of head_ are published before max_height_ grows (they are nullptr until then).
  std::atomic<int> max_height_{1};
  uint64_t rnd_ = 0x2545f4914f6cdd1dULL;  // writer-only state of the height generator
};

template <typename Key, class Comparator>
struct SkipList<Key, Comparator>::Node {
  explicit Node(const Key& k) : key(k) {}

  Key const key;

  Node* Next(int n) { return next_[n].load(std::memory_order_acquire); }
  void SetNext(int n, Node* x) { next_[n].store(x, std::memory_order_release); }
  Node* NoBarrierNext(int n) { return next_[n].load(std::memory_order_relaxed); }
  void NoBarrierSetNext(int n, Node* x) { next_[n].store(x, std::memory_order_relaxed); }

 private:
  // Length equals the node height; storage beyond next_[0] is allocated past the struct.
  std::atomic<Node*> next_[1];
};

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::NewNode(const Key& key,
                                                                             int height) {
  char* mem = arena_->AllocateAligned(sizeof(Node) + sizeof(std::atomic<Node*>) * (height - 1));
  return new (mem) Node(key);
}

template <typename Key, class Comparator>
int SkipList<Key, Comparator>::RandomHeight() {
  // xorshift64*: the height only needs to be geometric, not unpredictable.
  int height = 1;
  while (height < kMaxHeight) {
    rnd_ ^= rnd_ >> 12;
    rnd_ ^= rnd_ << 25;
    rnd_ ^= rnd_ >> 27;
    if (((rnd_ * 0x2545f4914f6cdd1dULL) >> 32) % kBranching != 0) {
      break;
    }
    ++height;
  }
  return height;
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::FindGreaterOrEqual(
    const Key& key, Node** prev) const {
  Node* x = head_;
  int level = GetMaxHeight() - 1;
  while (true) {
    Node* next = x->Next(level);
    if (KeyIsAfterNode(key, next)) {
      x = next;
    } else {
      if (prev != nullptr) {
        prev[level] = x;
      }
      if (level == 0) {
        return next;
      }
      --level;
    }
  }
}

template <typename Key, class Comparator>
SkipList<Key, Comparator>::SkipList(Comparator cmp, Arena* arena)
    : compare_(cmp), arena_(arena), head_(NewNode(Key(), kMaxHeight)) {
  for (int i = 0; i < kMaxHeight; ++i) {
    head_->SetNext(i, nullptr);
  }
}

template <typename Key, class Comparator>
void SkipList<Key, Comparator>::Insert(const Key& key) {
  Node* prev[kMaxHeight];
  Node* x = FindGreaterOrEqual(key, prev);
  BLOCKDB_CHECK_MSG(x == nullptr || !Equal(key, x->key), "duplicate key inserted into skiplist");

  int height = RandomHeight();
  if (height > GetMaxHeight()) {
    for (int i = GetMaxHeight(); i < height; ++i) {
      prev[i] = head_;
    }
    max_height_.store(height, std::memory_order_relaxed);
  }
  x = NewNode(key, height);
  for (int i = 0; i < height; ++i) {
    // The node's own pointers need no barrier: the release store into prev publishes them.
    x->NoBarrierSetNext(i, prev[i]->NoBarrierNext(i));
    prev[i]->SetNext(i, x);
  }
}

template <typename Key, class Comparator>
bool SkipList<Key, Comparator>::Contains(const Key& key) const {
  Node* x = FindGreaterOrEqual(key, nullptr);
  return x != nullptr && Equal(key, x->key);
}

}  // namespace blockdb
