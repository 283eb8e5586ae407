//! Work split over the machine's cores for large documents, in order, with no dependency.

/// Applies `f` to every item, on up to as many threads as there are cores when there is enough
/// work to share; the results keep the items' order.
pub(crate) fn map<T: Sync, R: Send + Default>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_min(items, 256, f)
}

/// [`map`] with the least number of items worth a thread of their own.
pub(crate) fn map_min<T: Sync, R: Send + Default>(
    items: &[T],
    min_per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = threads.min(items.len() / min_per_thread.max(1)).max(1);
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_with_and_without_threads() {
        let small: Vec<u32> = (0..10).collect();
        assert_eq!(
            super::map(&small, |x| x * 2),
            (0..10).map(|x| x * 2).collect::<Vec<_>>()
        );
        let large: Vec<u32> = (0..10_000).collect();
        assert_eq!(
            super::map(&large, |x| x + 1),
            (1..10_001).collect::<Vec<_>>()
        );
    }
}
