import { onBeforeUnmount, ref, type Ref } from 'vue'
import { dragHasFiles, filesOfDrop } from '../files'

export interface FileDrop {
  /** Files are being dragged over the zone (show the overlay). */
  dragging: Ref<boolean>
  onDragenter(e: DragEvent): void
  onDragover(e: DragEvent): void
  onDragleave(e: DragEvent): void
  onDrop(e: DragEvent): void
}

/**
 * Drag-and-drop of files onto a zone (the open chat). Enter/leave fire for every child crossed, so a depth counter
 * (not the last event) decides whether the drag is inside: the overlay does not flicker. Drags without files
 * (text, links) are ignored and keep their default behaviour.
 */
export function useFileDrop(
  onFiles: (files: Array<{ file: File; isFolder: boolean }>) => void,
  accepts: () => boolean = () => true,
): FileDrop {
  const dragging = ref(false)
  let depth = 0

  function reset(): void {
    depth = 0
    dragging.value = false
  }

  // A drag that ends outside the zone (Escape, dropped elsewhere) may never send the last dragleave.
  const onWindowEnd = () => reset()
  window.addEventListener('dragend', onWindowEnd)
  window.addEventListener('drop', onWindowEnd)
  onBeforeUnmount(() => {
    window.removeEventListener('dragend', onWindowEnd)
    window.removeEventListener('drop', onWindowEnd)
  })

  return {
    dragging,
    onDragenter(e) {
      if (!accepts() || !dragHasFiles(e.dataTransfer)) return
      e.preventDefault()
      depth++
      dragging.value = true
    },
    onDragover(e) {
      if (!accepts() || !dragHasFiles(e.dataTransfer)) return
      // Accepting dragover is what makes this a drop target (and keeps the window from opening the file).
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
      dragging.value = true
    },
    onDragleave(e) {
      if (!accepts() || !dragHasFiles(e.dataTransfer)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) dragging.value = false
    },
    onDrop(e) {
      if (!accepts() || !dragHasFiles(e.dataTransfer)) return
      e.preventDefault()
      reset()
      const files = e.dataTransfer ? filesOfDrop(e.dataTransfer) : []
      if (files.length) onFiles(files)
    },
  }
}
