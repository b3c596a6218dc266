// The few words main shows itself (tray, application menu, the background note), in the UI language.
// Everything else the user reads is translated by the renderer (vue-i18n).
import type { Locale } from '../shared/model'

const en = {
  open: 'Open cht',
  dnd: 'Do Not Disturb',
  dnd1h: 'For 1 hour',
  dndTomorrow: 'Until tomorrow',
  dndForever: 'Until turned off',
  dndOff: 'Turn off',
  dndOn: 'Do Not Disturb is on',
  quit: 'Quit cht',
  file: 'File',
  edit: 'Edit',
  view: 'View',
  window: 'Window',
  go: 'Go',
  goToChat: 'Go to chat…',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  zoomReset: 'Actual size',
  unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  backgroundTitle: 'cht is still running',
  backgroundBody: 'New messages will still reach you. Quit from the tray icon or the menu.',
  help: 'Help',
  openLogs: 'Open logs folder',
  copyDiagnostics: 'Copy diagnostics',
  diagnosticsCopied: 'Diagnostics copied',
  diagnosticsCopiedBody: 'Paste them into your message to support. They hold versions and recent errors, nothing you wrote.',
  unresponsiveTitle: 'cht is not responding',
  unresponsiveBody: 'The window is busy. You can wait, or reload it — sent and queued messages are safe.',
  wait: 'Wait',
  reload: 'Reload',
  crashLoopTitle: 'The window keeps stopping',
  crashLoopBody: 'It stopped several times within a minute. Reload it once more, or quit. Help → Copy diagnostics tells support what happened.',
}

export type Labels = typeof en

const fa: Labels = {
  open: 'باز کردن cht',
  dnd: 'مزاحم نشوید',
  dnd1h: 'به مدت ۱ ساعت',
  dndTomorrow: 'تا فردا',
  dndForever: 'تا وقتی خاموشش کنم',
  dndOff: 'خاموش کردن',
  dndOn: 'حالت مزاحم نشوید روشن است',
  quit: 'خروج از cht',
  file: 'پرونده',
  edit: 'ویرایش',
  view: 'نما',
  window: 'پنجره',
  go: 'رفتن',
  goToChat: 'رفتن به گفتگو…',
  zoomIn: 'بزرگ‌نمایی',
  zoomOut: 'کوچک‌نمایی',
  zoomReset: 'اندازهٔ واقعی',
  unread: (n: number) => `${n.toLocaleString('fa-IR')} پیام خوانده‌نشده`,
  backgroundTitle: 'cht هنوز در حال اجراست',
  backgroundBody: 'پیام‌های تازه همچنان به شما می‌رسند. برای خروج از نماد سینی یا منو استفاده کنید.',
  help: 'راهنما',
  openLogs: 'باز کردن پوشهٔ گزارش‌ها',
  copyDiagnostics: 'کپی اطلاعات عیب‌یابی',
  diagnosticsCopied: 'اطلاعات عیب‌یابی کپی شد',
  diagnosticsCopiedBody: 'آن را در پیام خود به پشتیبانی بچسبانید. فقط نسخه‌ها و خطاهای اخیر در آن است، نه چیزی که نوشته‌اید.',
  unresponsiveTitle: 'cht پاسخ نمی‌دهد',
  unresponsiveBody: 'پنجره مشغول است. می‌توانید صبر کنید یا آن را دوباره بارگذاری کنید؛ پیام‌های فرستاده‌شده و در صف ارسال محفوظ‌اند.',
  wait: 'صبر می‌کنم',
  reload: 'بارگذاری دوباره',
  crashLoopTitle: 'پنجره مدام از کار می‌افتد',
  crashLoopBody: 'پنجره در یک دقیقه چند بار از کار افتاد. یک بار دیگر بارگذاری کنید یا از برنامه خارج شوید. «راهنما ← کپی اطلاعات عیب‌یابی» به پشتیبانی می‌گوید چه شد.',
}

export function labelsFor(locale: Locale | string | undefined): Labels {
  return locale === 'fa' ? fa : en
}
