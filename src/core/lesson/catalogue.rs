//! The lessons, one per claim of the tutorials. Each setup is small enough
//! to run in seconds; each bound is stated before the run.

use super::{Bound::*, Check, Lesson, Need, Part, Quantity::*, Shows};
use crate::core::mode::Mode::*;
use crate::core::run::record::Metric;

const fn check(part: usize, quantity: super::Quantity, bound: super::Bound) -> Check {
    Check { part, quantity, bound }
}

const fn one(setup: &'static str) -> [Part; 1] {
    [Part { label: "", setup }]
}

/// Every lesson, in the order the page lists them.
pub const CATALOGUE: &[Lesson] = &[
    Lesson {
        id: "gil",
        title: "The GIL: threads take turns on CPU-bound work",
        claim: "Under a global interpreter lock, two threads doing arithmetic are no faster than one: only one \
                runs at a time. A pool of threads without that lock, or of processes, really uses both cores.",
        python: "with ThreadPoolExecutor(2) as ex:      # GIL: one at a time\n    sums = list(ex.map(sum_primes, chunks))\nwith ProcessPoolExecutor(2) as ex:     # both cores\n    sums = list(ex.map(sum_primes, chunks))",
        figure: "Sum of primes on a dual-core laptop: 1 thread 25.5 s, 2 threads 28 s (slower); 1 process 27 s, \
                 2 processes 19 s.",
        parts: &one("workload=primes&bounds=1000000,2000000,3000000&chunk=250000&workers=2&modes=sequential,pool,gil,isolated"),
        needs: &[Need::Isolation, Need::Cores(2)],
        checks: &[
            check(0, Speedup(Gil), AtMost(1.15)),
            check(0, Speedup(Pool), AtLeast(1.4)),
            check(0, Speedup(Isolated), AtLeast(1.4)),
        ],
        shows: Shows::Walls { part: 0 },
        expects_failures: false,
    },
    Lesson {
        id: "cpu-loops",
        title: "Four CPU loops: async and GIL threads add nothing, processes share the work",
        claim: "An event loop runs one task at a time, so CPU-bound coroutines take as long as a plain loop; \
                so do threads under the GIL. Separate processes run the loops on separate cores.",
        python: "async def loop(): return busy_sum()   # never awaits: nothing overlaps\nawait asyncio.gather(*(loop() for _ in range(4)))\nmultiprocessing.Pool(4).map(busy_sum, range(4))",
        figure: "A CPU loop 4 times: one run 2.05 s; 4 threads 14.42 s; 4 processes 2.30 s (on 4 or more cores).",
        parts: &one("workload=loop&tasks=4&passes=1000&workers=4&modes=sequential,gil,isolated,async"),
        needs: &[Need::Isolation, Need::Cores(2)],
        checks: &[
            check(0, Speedup(Async), AtMost(1.15)),
            check(0, Speedup(Gil), AtMost(1.15)),
            check(0, Speedup(Isolated), AtLeast(1.4)),
        ],
        shows: Shows::Walls { part: 0 },
        expects_failures: false,
    },
    Lesson {
        id: "sleep",
        title: "Waiting overlaps: four sleeps take one sleep's time",
        claim: "A thread or a coroutine that waits gives way to the others, even under the GIL, so four waits of \
                800 ms together take about 800 ms, not 3.2 s.",
        python: "threads = [Thread(target=time.sleep, args=(0.8,)) for _ in range(4)]\nfor t in threads: t.start()\nfor t in threads: t.join()              # about 0.8 s\nawait asyncio.gather(*(asyncio.sleep(0.8) for _ in range(4)))",
        figure: "4 threads each sleeping 2 s: 2.00 s in all.",
        parts: &one("workload=timers&tasks=4&ms=800&workers=4&modes=sequential,spawn,gil,async&repeat=1&warmup=0"),
        needs: &[Need::Isolation],
        checks: &[
            check(0, Wall(Sequential), AtLeast(3_000.0)),
            check(0, Wall(Spawn), AtMost(1_200.0)),
            check(0, Wall(Gil), AtMost(1_200.0)),
            check(0, Wall(Async), AtMost(1_200.0)),
        ],
        shows: Shows::Timeline { part: 0, mode: Gil },
        expects_failures: false,
    },
    Lesson {
        id: "downloads",
        title: "Downloads overlap on threads and on one event loop",
        claim: "Most of a download is waiting for the server. Threads, even under the GIL, and coroutines on one \
                thread wait at the same time, so five downloads take far less than five in a row.",
        python: "with ThreadPoolExecutor(4) as ex:\n    pages = list(ex.map(requests.get, urls))\n# or, on one thread:\npages = await asyncio.gather(*(session.get(u) for u in urls))",
        figure: "5 URLs: 1 thread 4 s, 2 threads 3 s, 5 threads 2 s.",
        parts: &one("workload=fetch&tasks=5&kib=64&latency=400&workers=4&modes=sequential,gil,async&repeat=1&warmup=0"),
        needs: &[Need::Isolation],
        checks: &[check(0, Ratio(Gil, Sequential), AtMost(0.6)), check(0, Ratio(Async, Sequential), AtMost(0.4))],
        shows: Shows::Timeline { part: 0, mode: Async },
        expects_failures: false,
    },
    Lesson {
        id: "files",
        title: "File copies overlap",
        claim: "Copying a file is mostly moving bytes through the file system, and two copies can proceed at once: \
                on two workers they take about two thirds of the time of one after the other, as in the tutorial.",
        python: "with ThreadPoolExecutor(2) as ex:\n    ex.map(shutil.copy, sources, targets)",
        figure: "Two 250 MB files: 7 to 10 s on one thread, 4.5 to 5.5 s on two.",
        parts: &one("workload=files&files=2&mib=32&workers=2&modes=sequential,async,isolated&repeat=1"),
        needs: &[Need::Isolation, Need::Files, Need::Cores(2)],
        checks: &[check(0, Ratio(Isolated, Sequential), AtMost(0.65))],
        shows: Shows::Timeline { part: 0, mode: Isolated },
        expects_failures: false,
    },
    Lesson {
        id: "thousand-waits",
        title: "A thousand waits on one thread take one wait's time",
        claim: "Coroutines cost almost nothing while they wait: one thread's event loop can hold a thousand \
                100 ms waits at once and be done in about 100 ms, where a loop would take 100 s.",
        python: "async def task(): await asyncio.sleep(0.1)\nawait asyncio.gather(*(task() for _ in range(1000)))   # about 0.1 s",
        figure: "asyncio.gather of many sleeps ends with the longest sleep.",
        parts: &one("workload=timers&tasks=1000&ms=100&workers=2&modes=async&repeat=1&warmup=0"),
        needs: &[],
        checks: &[check(0, Wall(Async), AtMost(200.0))],
        shows: Shows::Timeline { part: 0, mode: Async },
        expects_failures: false,
    },
    Lesson {
        id: "thread-per-task",
        title: "A thread per task pays a start-up each time; a pool starts once",
        claim: "Starting a thread costs far more than a small task: a thread per task spends its time starting \
                threads, while a pool's threads, started once, run task after task.",
        python: "for n in items: Thread(target=work, args=(n,)).start()   # a start-up per task\nwith ThreadPoolExecutor(2) as ex: ex.map(work, items)       # two start-ups",
        figure: "The tutorials: a thread per task \"doesn't scale to many tasks\".",
        parts: &one("workload=loop&tasks=32&passes=10&workers=2&modes=sequential,spawn,pool&repeat=1"),
        needs: &[Need::Isolation],
        checks: &[
            check(0, Metric(Spawn, Metric::ThreadStartupMs), AtLeast(1.0)),
            check(0, Ratio(Spawn, Pool), AtLeast(3.0)),
        ],
        shows: Shows::Timeline { part: 0, mode: Spawn },
        expects_failures: false,
    },
    Lesson {
        id: "chunks",
        title: "Tiny tasks: handing them out costs more than doing them",
        claim: "A pool pays for every task it hands out and collects. With tiny tasks that cost is the whole \
                run and more workers cannot help; the same numbers in bigger tasks (a chunk size) make it vanish.",
        python: "pool.map(add_one_number, range(100_000))                 # 20,000 handings-out at chunksize=5\npool.map(add_one_number, range(100_000), chunksize=1000)",
        figure: "The tutorials' pools hand out one item at a time unless given a chunksize.",
        parts: &[
            Part { label: "in 20,000 tasks of 5 numbers", setup: "workload=tiny&tasks=20000&size=5&workers=2&modes=sequential,pool,isolated&repeat=1" },
            Part { label: "in 100 tasks of 1,000 numbers", setup: "workload=tiny&tasks=100&size=1000&workers=2&modes=sequential,pool,isolated&repeat=1" },
        ],
        needs: &[Need::Isolation, Need::Cores(2)],
        checks: &[
            check(0, Speedup(Pool), AtMost(1.3)),
            check(0, AcrossParts { mode: Pool, other: 1 }, AtLeast(3.0)),
            check(0, AcrossParts { mode: Isolated, other: 1 }, AtLeast(5.0)),
        ],
        shows: Shows::Walls { part: 0 },
        expects_failures: false,
    },
    Lesson {
        id: "uneven",
        title: "Uneven tasks: the biggest one sets the time, unless you split and sort",
        claim: "With one task per bound, one big task keeps a worker busy long after the other is idle. Split \
                into equal chunks, handed out costliest first, the workers finish together.",
        python: "pool.map(sum_primes, [1_000_000, 2_000_000, 6_000_000])   # one big task\nchunks = sorted(split(bounds, 250_000), key=cost, reverse=True)\npool.map(sum_primes_in, chunks)",
        figure: "Sum of primes on a dual-core laptop: 1 process 27 s, 2 processes 19 s (1.4×, not 2×).",
        parts: &[
            Part { label: "one task per bound", setup: "workload=primes&bounds=1000000,2000000,6000000&workers=2&modes=sequential,pool&repeat=1" },
            Part { label: "in chunks, costliest first", setup: "workload=primes&bounds=1000000,2000000,6000000&chunk=250000&order=largest&workers=2&modes=sequential,pool&repeat=1" },
        ],
        needs: &[Need::Isolation, Need::Cores(2)],
        checks: &[check(0, Speedup(Pool), AtMost(1.5)), check(1, Speedup(Pool), AtLeast(1.7))],
        shows: Shows::Timeline { part: 0, mode: Pool },
        expects_failures: false,
    },
    Lesson {
        id: "amdahl",
        title: "More workers than cores gain nothing",
        claim: "Data-parallel work speeds up with every worker up to the number of cores, then stops: extra \
                workers only take turns on the same cores (hyperthreads are not cores either).",
        python: "for n in range(1, 2 * os.cpu_count() + 1):\n    with Pool(n) as pool: timed(pool.map, mandelbrot_row, rows)",
        figure: "Sum of primes on a dual-core laptop: 2 processes 19 s, 3 processes 18 s.",
        parts: &one("workload=mandelbrot&width=800&height=600&iters=1000&band=10&workers=2&modes=sequential,pool&repeat=1&sweep=1"),
        needs: &[Need::Isolation, Need::Cores(2)],
        checks: &[check(0, SpeedupAtCores(Pool), AtLeast(1.5)), check(0, BeyondCores(Pool), AtMost(1.1))],
        shows: Shows::Sweep { part: 0 },
        expects_failures: false,
    },
    Lesson {
        id: "race",
        title: "Lost updates, and the atomic and the lock that fix them",
        claim: "`counter += 1` is a read and then a write: two threads can read the same value and one update \
                is lost. An atomic add or a lock around the read and write loses none. One thread, or the GIL \
                handing over between slices, loses none either.",
        python: "def bump():\n    global counter\n    for _ in range(1_000_000):\n        counter += 1        # read, then write\n        with lock: safe += 1",
        figure: "10 threads × 1,000,000 increments: expected 10,000,000; without the Lock, less.",
        parts: &one("workload=counter&tasks=4&increments=1000000&workers=2&modes=sequential,pool,gil&repeat=1"),
        needs: &[Need::Isolation, Need::Cores(2)],
        checks: &[
            check(0, Lost(Sequential), AtMost(0.0)),
            check(0, Lost(Gil), AtMost(0.0)),
            check(0, Lost(Pool), AtLeast(1.0)),
            check(0, Right(Pool), AtLeast(1.0)),
        ],
        shows: Shows::Answers { part: 0 },
        expects_failures: false,
    },
    Lesson {
        id: "shared-value",
        title: "Processes share no memory, unless given a shared value",
        claim: "Each process bumps its own copy of a global, and the parent's copy never moves. A shared value \
                is seen by all of them, and needs its lock or an atomic add just as threads do.",
        python: "counter = 0                                 # each process: its own copy\nshared = multiprocessing.Value('i', 0)      # one copy for all\nwith shared.get_lock(): shared.value += 1",
        figure: "The tutorials: a process's changes to a global never reach the parent.",
        parts: &one("workload=counter&tasks=4&increments=200000&workers=2&modes=isolated&repeat=1"),
        needs: &[Need::Isolation, Need::Cores(2)],
        checks: &[
            check(0, Unshared(Isolated), AtMost(0.0)),
            check(0, Right(Isolated), AtLeast(1.0)),
            check(0, Lost(Isolated), AtLeast(1.0)),
        ],
        shows: Shows::Answers { part: 0 },
        expects_failures: false,
    },
    Lesson {
        id: "crash",
        title: "A crash in a process leaves the others running; on shared memory it takes the pool",
        claim: "A process that dies takes only its own task with it; the pool replaces it and the other tasks \
                finish. Threads share one memory, so a crash there ends them all.",
        python: "with ProcessPoolExecutor(2) as ex:\n    futures = [ex.submit(task, n) for n in items]   # one raises\n    done = [f.result() for f in futures if not f.exception()]",
        figure: "The tutorials: processes are isolated from each other; threads are not.",
        parts: &one("workload=primes&bounds=1000000,2000000,3000000&chunk=250000&workers=2&modes=pool,isolated&panic=3&repeat=1&warmup=0"),
        needs: &[Need::Isolation],
        checks: &[
            check(0, Failed(Isolated), AtMost(1.0)),
            check(0, Completed(Isolated), AtLeast(23.0)),
            check(0, Completed(Pool), AtMost(0.0)),
        ],
        shows: Shows::Answers { part: 0 },
        expects_failures: true,
    },
    Lesson {
        id: "queue",
        title: "Producers and consumers: a queue in shared memory, or messages between processes",
        claim: "A queue hands items from producers to consumers with none lost. Between threads it is shared \
                memory; between processes every item is a message, which costs more.",
        python: "q = queue.Queue()                 # threads: shared memory\nq = multiprocessing.Queue()       # processes: each item pickled and sent\nproducer: q.put(item)   consumer: item = q.get()",
        figure: "10 threads × 10 items through one Queue: 100 items, none lost.",
        parts: &one("workload=queue&producers=4&items=2500&consumers=2&workers=2&modes=pool,isolated&repeat=1"),
        needs: &[Need::Isolation],
        checks: &[
            check(0, Right(Pool), AtLeast(1.0)),
            check(0, Right(Isolated), AtLeast(1.0)),
            check(0, Metric(Isolated, Metric::ItemsByMessage), AtLeast(1.0)),
            check(0, Ratio(Isolated, Pool), AtLeast(2.0)),
        ],
        shows: Shows::Walls { part: 0 },
        expects_failures: false,
    },
    Lesson {
        id: "frozen-page",
        title: "Work on the page's own thread freezes it; cooperative slices keep it alive",
        claim: "While a loop runs on the thread that draws the page, nothing else happens: no clicks, no \
                animation. Cut into slices that yield to the event loop, the same work leaves the page alive.",
        python: "def task():\n    for step in range(n):\n        work(step)\n        yield              # give the loop a turn\nloop.run(tasks)    # the GUI stays responsive",
        figure: "The tutorials: work on the GUI thread blocks it (\"no parallel processing\").",
        parts: &one("workload=loop&tasks=4&passes=1500&workers=2&modes=sequential,main,coop&repeat=1"),
        needs: &[],
        checks: &[
            check(0, LongestGap(Main), AtLeast(100.0)),
            check(0, FrozenShare(Main), AtLeast(0.9)),
            check(0, LongestGap(Coop), AtMost(50.0)),
            check(0, LongestGap(Sequential), AtMost(50.0)),
        ],
        shows: Shows::Gaps { part: 0 },
        expects_failures: false,
    },
    Lesson {
        id: "map-order",
        title: "map returns in order; tasks finish in any order",
        claim: "map gives results in the order the tasks were submitted, whatever order they finish in; \
                as_completed gives them as they finish. Each task ran on some worker of the pool.",
        python: "results = pool.map(sum_primes, [3_000_000, 1_000_000, 2_000_000])   # in this order\nfor f in as_completed(futures): print(f.result())                   # small ones first",
        figure: "The tutorials print each task's thread or process name as it finishes.",
        parts: &one("workload=primes&bounds=3000000,1000000,2000000&workers=2&modes=sequential,pool&repeat=1"),
        needs: &[Need::Isolation, Need::Cores(2)],
        checks: &[
            check(0, Right(Pool), AtLeast(1.0)),
            check(0, OutOfOrder(Pool), AtLeast(1.0)),
            check(0, WorkersUsed(Pool), AtLeast(2.0)),
        ],
        shows: Shows::Timeline { part: 0, mode: Pool },
        expects_failures: false,
    },
];
