package platform

// Sandbox is a platform's emulated side, declared by its emulator package.
type Sandbox struct{}
