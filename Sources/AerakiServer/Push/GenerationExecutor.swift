import Dispatch

/// A task executor on a thread of its own, for the push loop: generation is CPU-bound and blocks
/// while it fans out over the cores, so it must not occupy a thread of Swift's cooperative pool,
/// where the xDS streams and the admin endpoint run.
final class GenerationExecutor: TaskExecutor {
    private let queue: DispatchQueue

    /// An executor running jobs one at a time on a queue named `label`.
    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
