import TrellisModel

/// The web tracker's templates and stylesheet: the repository's `TrackerWeb/`, embedded at build
/// time by the EmbedTheme plugin (`TrackerWebFilesEmbedded.swift`, generated), so an installed
/// `trellis` serves its pages with the repository and the build folder gone.
enum TrackerWebFiles {}
