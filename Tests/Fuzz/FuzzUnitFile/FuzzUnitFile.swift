import Core

/// libFuzzer entry point: the unit-file parser must never crash, whatever the bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  if case .success(let unit) = UnitFile.parse(text, file: "fuzz.service") {
    _ = unit.words("Install", "WantedBy")
    _ = UnitFile.merged(unit, dropIns: [unit]).value("Service", "ExecStart")
  }
  _ = UnitName.problem(with: text)
  return 0
}
