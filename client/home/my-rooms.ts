// Rooms this browser created, so an interviewer can find them again without a server-side
// account (servers with ROOM_CREATE_KEY also list every room via GET /api/rooms).
const KEY = 'interview-room:my-rooms';

export interface MyRoom {
  roomId: string;
  title: string;
  interviewerUrl: string;
  createdAt: string;
}

export function myRooms(): MyRoom[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as MyRoom[];
  } catch {
    return [];
  }
}

export function rememberRoom(room: MyRoom): void {
  try {
    localStorage.setItem(KEY, JSON.stringify([room, ...myRooms().filter((r) => r.roomId !== room.roomId)].slice(0, 100)));
  } catch {
    // storage unavailable: the links on screen still work
  }
}
