package publishing

// PythonVerifier re-derives a snapshot's hash with Python 3's standard library (docs/publishing.md shows it
// and the public page prints it; TestPythonSnippetVerifies runs the docs' copy, which must equal this one).
const PythonVerifier = `import hashlib, json, sys

doc = json.load(open(sys.argv[1], encoding="utf-8"))
claimed = doc.pop("sha256")
canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
computed = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
print("OK" if computed == claimed else "MISMATCH", computed)
sys.exit(0 if computed == claimed else 1)
`
