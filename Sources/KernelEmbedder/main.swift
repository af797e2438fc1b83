import Foundation

// Build tool for the EmbedKernels plugin: `KernelEmbedder OUTPUT SOURCE.cl...` writes a Swift
// file declaring `EmbeddedKernels.sources`, each file's name and text, in the order given.
let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: KernelEmbedder OUTPUT SOURCE.cl...\n".utf8))
    exit(2)
}
var swift = "// Generated at build time from kernels/*.cl by KernelEmbedder. Do not edit.\n\n"
swift += "enum EmbeddedKernels {\n    /// (file name, OpenCL C source) for each file of kernels/.\n"
swift += "    static let sources: [(name: String, text: String)] = [\n"
for path in arguments.dropFirst() {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    // A raw string with enough #s that no run of quotes and #s in the text can end it.
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    let name = (path as NSString).lastPathComponent
    swift += "        (\"\(name)\", \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
}
swift += "    ]\n}\n"
try swift.write(toFile: output, atomically: true, encoding: .utf8)
