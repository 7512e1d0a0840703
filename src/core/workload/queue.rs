//! Producers and consumers around one queue, the tutorial's `queue.Queue`
//! filled by 10 threads × 10 items (`shared/seeds/004`): p producer tasks
//! put q items each, c consumer tasks take them until every producer is
//! done. Tasks `0..p` are the producers, `p..p + c` the consumers.
//!
//! With shared memory the queue is one `Mutex<VecDeque>` (what
//! `queue.Queue` is: a deque behind a lock). Isolated workers share
//! nothing: a producer's items leave its worker one message each and reach
//! the consumers by message ([`Exchange::take_items`] /
//! [`Exchange::give_items`]), like `multiprocessing.Queue` over a pipe.
//!
//! Every item is an id; each task's value packs how many items it put or
//! took with the sum of a hash of their ids, so the totals show whether
//! any item was lost or taken twice, in every mode, even when no one
//! memory saw all items.

use std::collections::VecDeque;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::api::{
    whole_number, Built, Exchange, ParamSpec, Params, Reference, SetupError, Traits, Workload, WorkloadSpec,
};

pub const MAX_PRODUCERS: u64 = 64;
pub const MAX_CONSUMERS: u64 = 64;
pub const MAX_ITEMS: u64 = 100_000;
/// All items of a run: isolated workers send a message per item.
pub const MAX_TOTAL: u64 = 1_000_000;

pub const SPEC: WorkloadSpec = WorkloadSpec {
    id: "queue",
    name: "Queue (producers and consumers)",
    kind: "producer/consumer, shared state",
    about: "p producers put q items each into one queue; c consumers take items until every producer \
            is done. None may be lost or taken twice. With shared memory (threads, the pool, the GIL) \
            the queue is a deque behind a lock, as in queue.Queue, and an item costs a lock; isolated \
            workers share no memory, so every item travels as a message through the page's broker, as \
            with multiprocessing.Queue: compare the time per item. Producers never wait; a consumer \
            with nothing to take lets others run.",
    source: "the tutorial on parallel processing with threads, locks and queues: queue.Queue filled by 10 threads × 10 items = 100",
    params: &[
        ParamSpec { key: "producers", label: "Producers", default: "10", help: "1 … 64" },
        ParamSpec {
            key: "items",
            label: "Items",
            default: "10",
            help: "per producer, 1 … 100,000; all items together at most 1,000,000",
        },
        ParamSpec { key: "consumers", label: "Consumers", default: "2", help: "1 … 64" },
    ],
    build,
    warm_up: || {
        let q = Queue::new(2, 500, 2);
        for i in 0..4 {
            std::hint::black_box(q.step(i));
        }
    },
};

#[derive(Debug)]
pub struct Queue {
    pub producers: u64,
    pub items: u64,
    pub consumers: u64,
    queue: Mutex<VecDeque<u64>>,
    /// Producers of this copy that have put all their items.
    done: AtomicUsize,
    /// This copy is one of several isolated ones (see
    /// [`Exchange::separate`]): only `last` says every producer is done.
    separate: AtomicBool,
    /// Told by [`Exchange::give_items`] that no more items will come.
    last: AtomicBool,
    /// Per consumer: items taken and the sum of their hashes.
    taken: Vec<AtomicU64>,
    hashes: Vec<AtomicU64>,
}

/// A task's value: how many items and the wrapping sum of their hashes.
fn pack(count: u64, hash: u64) -> u64 {
    (count << 32) | (hash & 0xFFFF_FFFF)
}

fn mix(id: u64) -> u64 {
    let mut z = id.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Queue {
    pub fn new(producers: u64, items: u64, consumers: u64) -> Queue {
        Queue {
            producers,
            items,
            consumers,
            queue: Mutex::new(VecDeque::new()),
            done: AtomicUsize::new(0),
            separate: AtomicBool::new(false),
            last: AtomicBool::new(false),
            taken: (0..consumers).map(|_| AtomicU64::new(0)).collect(),
            hashes: (0..consumers).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<u64>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn produce(&self, producer: u64) -> u64 {
        let mut hash = 0u64;
        for k in 0..self.items {
            let id = producer * self.items + k;
            // One lock per put, as queue.Queue.put takes its lock.
            self.lock().push_back(id);
            hash = hash.wrapping_add(mix(id));
        }
        self.done.fetch_add(1, Ordering::Release);
        pack(self.items, hash)
    }

    /// Whether every producer is done: here, those of this copy; for a
    /// separate copy, only what the others said counts (its own producers
    /// may be all of them, with their items long gone to other copies).
    fn all_done(&self) -> bool {
        if self.separate.load(Ordering::Acquire) {
            self.last.load(Ordering::Acquire)
        } else {
            self.done.load(Ordering::Acquire) == self.producers as usize
        }
    }

    /// Takes what is there; done when every producer was done before the
    /// queue was found empty (so no item can still arrive).
    fn consume(&self, consumer: usize) -> Option<u64> {
        let all_done = self.all_done();
        loop {
            let Some(id) = self.lock().pop_front() else { break };
            self.taken[consumer].fetch_add(1, Ordering::Relaxed);
            self.hashes[consumer].fetch_add(mix(id), Ordering::Relaxed);
        }
        all_done
            .then(|| pack(self.taken[consumer].load(Ordering::Relaxed), self.hashes[consumer].load(Ordering::Relaxed)))
    }

    fn is_consumer(&self, index: usize) -> bool {
        index as u64 >= self.producers
    }

    /// (put, taken, hashes equal) from the task values.
    fn totals(&self, values: &[u64]) -> (u64, u64, bool) {
        let (mut put, mut taken, mut put_hash, mut taken_hash) = (0u64, 0u64, 0u64, 0u64);
        for (i, v) in values.iter().enumerate() {
            let (count, hash) = (v >> 32, v & 0xFFFF_FFFF);
            if self.is_consumer(i) {
                taken += count;
                taken_hash = taken_hash.wrapping_add(hash);
            } else {
                put += count;
                put_hash = put_hash.wrapping_add(hash);
            }
        }
        (put, taken, put_hash & 0xFFFF_FFFF == taken_hash & 0xFFFF_FFFF)
    }
}

impl Workload for Queue {
    fn task_count(&self) -> usize {
        (self.producers + self.consumers) as usize
    }

    fn task_label(&self, index: usize) -> String {
        if self.is_consumer(index) {
            format!("consumer {}: take until all are done", index as u64 - self.producers)
        } else {
            format!("producer {index}: put {} items", self.items)
        }
    }

    /// Blocks a consumer until every producer is done: only for callers
    /// that run all tasks at once; executors use [`Workload::step`].
    fn run_task(&self, index: usize) -> u64 {
        loop {
            if let Some(v) = self.step(index) {
                return v;
            }
            std::thread::yield_now();
        }
    }

    fn answer(&self, values: &[u64]) -> String {
        let (put, taken, same) = self.totals(values);
        match (put.cmp(&taken), same) {
            (std::cmp::Ordering::Equal, true) => format!("{put} put, {taken} taken: none lost, none taken twice"),
            (std::cmp::Ordering::Equal, false) => format!("{put} put, {taken} taken: some lost and others taken twice"),
            (std::cmp::Ordering::Greater, _) => format!("{put} put, {taken} taken: {} lost", put - taken),
            (std::cmp::Ordering::Less, _) => format!("{put} put, {taken} taken: {} taken twice", taken - put),
        }
    }

    fn reference(&self) -> Option<Reference> {
        let n = self.producers * self.items;
        Some(Reference { answer: format!("{n} put, {n} taken: none lost, none taken twice"), source: "p × q" })
    }

    fn traits(&self) -> Traits<'_> {
        Traits { exchange: Some(self), ..Traits::default() }
    }
}

impl Exchange for Queue {
    fn step(&self, index: usize) -> Option<u64> {
        if self.is_consumer(index) {
            self.consume((index as u64 - self.producers) as usize)
        } else {
            Some(self.produce(index as u64))
        }
    }

    fn takes_items(&self, index: usize) -> bool {
        self.is_consumer(index)
    }

    fn take_items(&self) -> Vec<u64> {
        self.lock().drain(..).collect()
    }

    fn separate(&self) {
        self.separate.store(true, Ordering::Release);
    }

    fn give_items(&self, items: &[u64], last: bool) {
        self.lock().extend(items);
        if last {
            self.last.store(true, Ordering::Release);
        }
    }

    fn task_result(&self, index: usize, value: u64) -> String {
        let verb = if self.is_consumer(index) { "took" } else { "put" };
        format!("{verb} {}", value >> 32)
    }

    fn items_passed(&self) -> u64 {
        self.producers * self.items
    }
}

fn build(params: &Params) -> Result<Built, SetupError> {
    let work = Queue::new(
        whole_number(params, "producers", 10, MAX_PRODUCERS)?,
        whole_number(params, "items", 10, MAX_ITEMS)?,
        whole_number(params, "consumers", 2, MAX_CONSUMERS)?,
    );
    if work.producers * work.items > MAX_TOTAL {
        return Err(SetupError::param(
            "items",
            format!("{} producers × {} items is more than {MAX_TOTAL} items", work.producers, work.items),
        ));
    }
    let canonical: Params = BTreeMap::from([
        ("producers".into(), work.producers.to_string()),
        ("items".into(), work.items.to_string()),
        ("consumers".into(), work.consumers.to_string()),
    ]);
    Ok((Box::new(work), canonical))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn in_order_every_item_is_taken_once() {
        let q = Queue::new(10, 10, 2);
        let values: Vec<u64> = (0..12).map(|i| q.step(i).expect("producers first: nobody waits")).collect();
        assert_eq!(q.answer(&values), q.reference().unwrap().answer);
        assert_eq!(values[10] >> 32, 100, "the first consumer took all");
        assert_eq!(values[11] >> 32, 0);
        assert_eq!((q.task_result(0, values[0]), q.task_result(10, values[10])), ("put 10".into(), "took 100".into()));
    }

    #[test]
    fn a_consumer_waits_until_every_producer_is_done() {
        let q = Queue::new(2, 5, 1);
        assert_eq!(q.step(0).map(|v| v >> 32), Some(5));
        assert_eq!(q.step(2), None, "one producer still to come");
        assert_eq!(q.step(1).map(|v| v >> 32), Some(5));
        assert_eq!(q.step(2).map(|v| v >> 32), Some(10));
    }

    #[test]
    fn threads_lose_nothing_and_take_nothing_twice() {
        let q = Queue::new(8, 5_000, 3);
        let values: Vec<u64> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..11)
                .rev()
                .map(|i| {
                    (
                        i,
                        s.spawn({
                            let q = &q;
                            move || q.run_task(i)
                        }),
                    )
                })
                .collect();
            let mut v = vec![0; 11];
            for (i, h) in handles {
                v[i] = h.join().unwrap();
            }
            v
        });
        assert_eq!(q.answer(&values), "40000 put, 40000 taken: none lost, none taken twice");
    }

    #[test]
    fn the_answer_tells_loss_from_duplication() {
        let q = Queue::new(2, 3, 1);
        let p0 = q.step(0).unwrap();
        let p1 = q.step(1).unwrap();
        // Lost: a consumer that saw only producer 0's items.
        assert_eq!(q.answer(&[p0, p1, p0]), "6 put, 3 taken: 3 lost");
        assert_eq!(q.answer(&[p0, p1, pack(7, 0)]), "6 put, 7 taken: 1 taken twice");
        assert_eq!(q.answer(&[p0, p1, pack(6, p0 + p0)]), "6 put, 6 taken: some lost and others taken twice");
    }

    #[test]
    fn items_move_between_instances_by_hand() {
        // What isolated workers do: each instance its own queue.
        let (producer, consumer) = (Queue::new(2, 4, 1), Queue::new(2, 4, 1));
        consumer.separate();
        let p0 = producer.step(0).unwrap();
        consumer.give_items(&producer.take_items(), false);
        assert_eq!(consumer.step(2), None);
        let p1 = producer.step(1).unwrap();
        consumer.give_items(&producer.take_items(), true);
        let c = consumer.step(2).unwrap();
        assert_eq!(consumer.answer(&[p0, p1, c]), "8 put, 8 taken: none lost, none taken twice");
    }

    /// Regression: on isolated workers, a worker that ran every producer
    /// itself took its own producers finishing for "all done" and ended
    /// its consumers at once, with every item already sent to the page
    /// ("100 put, 0 taken: 100 lost").
    #[test]
    fn a_separate_copy_that_ran_every_producer_still_waits_for_the_items() {
        let worker = Queue::new(2, 3, 1);
        worker.separate();
        let (p0, p1) = (worker.step(0).unwrap(), worker.step(1).unwrap());
        let sent = worker.take_items();
        assert_eq!(worker.step(2), None, "the items are gone to the page: wait for them");
        worker.give_items(&sent, true);
        let c = worker.step(2).unwrap();
        assert_eq!(worker.answer(&[p0, p1, c]), "6 put, 6 taken: none lost, none taken twice");
    }

    #[test]
    fn limits() {
        let p =
            |pairs: &[(&str, &str)]| -> Params { pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
        assert!(build(&p(&[])).is_ok());
        assert_eq!(build(&p(&[("producers", "64"), ("items", "100000")])).err().unwrap().param, Some("items"));
        assert_eq!(build(&p(&[("consumers", "0")])).err().unwrap().param, Some("consumers"));
    }
}
