/** Raised when a document cannot be converted (not an object, an object the version lacks, a required value nowhere to be had). */
export class ConversionError extends Error {
  override name = 'ConversionError';
}
