internal import CLibGRPC
#if canImport(Glibc)
internal import Glibc
#endif

extension [UInt8] {
    /// Copies a received byte buffer out, once.
    init(byteBuffer buffer: UnsafeMutablePointer<grpc_byte_buffer>) {
        let length = CLibGRPC_byte_buffer_length(buffer)
        self.init(unsafeUninitializedCapacity: length) { storage, count in
            guard length > 0, let base = storage.baseAddress else {
                count = 0
                return
            }
            count = CLibGRPC_byte_buffer_copy(buffer, base) != 0 ? length : 0
        }
    }

    /// Copies a slice's bytes out.
    init(slice: UnsafePointer<grpc_slice>) {
        let length = CLibGRPC_slice_length(slice)
        guard length > 0, let start = CLibGRPC_slice_start(slice) else {
            self = []
            return
        }
        self = Array(UnsafeBufferPointer(start: start, count: length))
    }
}

extension String {
    /// Decodes a slice's bytes as UTF-8.
    init(slice: UnsafePointer<grpc_slice>) {
        self = String(decoding: [UInt8](slice: slice), as: UTF8.self)
    }
}

extension Metadata {
    /// Copies a received metadata array out.
    init(array: UnsafePointer<grpc_metadata_array>) {
        self.init()
        for index in 0..<array.pointee.count {
            var key: UnsafePointer<grpc_slice>?
            var value: UnsafePointer<grpc_slice>?
            CLibGRPC_metadata_entry(array, index, &key, &value)
            guard let key, let value else { continue }
            add(String(slice: key), bytes: [UInt8](slice: value))
        }
    }

    /// Lends the entries to C as parallel arrays of keys, values and value lengths.
    func withCArrays<Result>(
        _ body: (
            UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<UInt8>?>?, UnsafePointer<Int>?, Int
        ) -> Result
    ) -> Result {
        let keys: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0.key) }
        let values: [UnsafeMutablePointer<UInt8>?] = entries.map { entry in
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(entry.value.count, 1))
            copy.initialize(from: entry.value, count: entry.value.count)
            return copy
        }
        defer {
            keys.forEach { free($0) }
            values.forEach { $0?.deallocate() }
        }
        let constKeys = keys.map { UnsafePointer($0) }
        let constValues = values.map { UnsafePointer($0) }
        let lengths = entries.map(\.value.count)
        return constKeys.withUnsafeBufferPointer { keyBuffer in
            constValues.withUnsafeBufferPointer { valueBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(keyBuffer.baseAddress, valueBuffer.baseAddress, lengthBuffer.baseAddress, entries.count)
                }
            }
        }
    }
}
